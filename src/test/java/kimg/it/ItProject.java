package kimg.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.module.KernelArtifacts;

/**
 * An IT project's {@code mkosi.conf} as a user writes it: sections in the order the test names them, each line a
 * {@code Setting=value} the test spells out. Lines for the section just written go on under the same header; a
 * section named after another one opens a new header (so {@code .build(..).output(..).build(..)} gives two [Build]
 * sections, as mkosi allows). The text is {@code [Section]\n} plus one line each, sections separated by a blank line.
 *
 * <p>Cache keys see values, not this text: kimg's rootfs and output stamps hash setting values, the kernel-config
 * stamp the kernel config files, and the ITs' own keyed directories hash kernel config fragments; none reads
 * mkosi.conf, so its layout cools no cache. What the text does decide is the file:line a ConfigError names, which
 * some ITs assert.
 */
final class ItProject {
    private record Section(String name, List<String> lines) {}

    private final List<Section> sections = new ArrayList<>();

    private ItProject() {}

    /** No section yet. */
    static ItProject empty() {
        return new ItProject();
    }

    /** [Distribution] Debian bookworm (the shared fixtures' distribution), then {@code lines} (e.g. Architecture=). */
    static ItProject debian(String... lines) {
        return empty().section("Distribution", "Distribution=debian", "Release=bookworm").section("Distribution", lines);
    }

    /** [Config] Include= of each of {@code includes} (module directories, relative to the project or absolute). */
    ItProject include(Object... includes) {
        for (Object include : includes) {
            section("Config", "Include=" + include);
        }
        return this;
    }

    /** [Output] Format={@code format}, then {@code lines}. */
    ItProject output(String format, String... lines) {
        return section("Output", "Format=" + format).section("Output", lines);
    }

    ItProject content(String... lines) {
        return section("Content", lines);
    }

    ItProject build(String... lines) {
        return section("Build", lines);
    }

    ItProject runtime(String... lines) {
        return section("Runtime", lines);
    }

    /**
     * Boots with a built kernel's build directory shared: [Build] BuildDirectory= its build root and BuildSources=
     * its tree as {@code kernel}, [Runtime] RuntimeBuildSources=yes (the guest's /usr/lib/modules is that build's
     * modules, /work/src/kernel its tree).
     */
    ItProject sharingBuildOf(KernelArtifacts kernel) {
        return build("BuildDirectory=" + buildDirectoryOf(kernel), "BuildSources=" + kernel.sourceTree() + ":kernel")
                .runtime("RuntimeBuildSources=yes");
    }

    /** The sections of {@code more} after these, under the same rule (a first section named like the last merges). */
    ItProject then(ItProject more) {
        more.sections.forEach(s -> section(s.name(), s.lines().toArray(String[]::new)));
        return this;
    }

    /** Lines under [{@code name}]: the last section when it has that name, else a new one. */
    ItProject section(String name, String... lines) {
        Section last = sections.isEmpty() ? null : sections.get(sections.size() - 1);
        if (last == null || !last.name().equals(name)) {
            last = new Section(name, new ArrayList<>());
            sections.add(last);
        }
        last.lines().addAll(List.of(lines));
        return this;
    }

    String text() {
        var out = new StringBuilder();
        for (Section s : sections) {
            out.append(out.isEmpty() ? "" : "\n").append('[').append(s.name()).append("]\n");
            s.lines().forEach(l -> out.append(l).append('\n'));
        }
        return out.toString();
    }

    /** Writes {@code directory/mkosi.conf}; returns the directory. */
    Path write(Path directory) {
        try {
            Files.writeString(directory.resolve("mkosi.conf"), text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return directory;
    }

    /**
     * The same settings as an in-process configuration of {@code directory} ({@link Config#ofValues}, no file):
     * sections do not matter there, a setting given on several lines has those values in order.
     */
    Config config(Path directory) {
        return Config.ofValues(directory, values());
    }

    /** {@code <BuildDirectory>} of a built kernel: its modules root is {@code <BuildDirectory>/<d~r~a>/kernel/modules}. */
    static Path buildDirectoryOf(KernelArtifacts kernel) {
        return kernel.modulesRoot().getParent().getParent().getParent();
    }

    /** Each setting's values in the order given, sections aside: {@link Config#ofValues}'s input (a new map). */
    Map<String, List<String>> values() {
        var values = new LinkedHashMap<String, List<String>>();
        for (Section s : sections) {
            for (String line : s.lines()) {
                int eq = line.indexOf('=');
                values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return values;
    }
}
