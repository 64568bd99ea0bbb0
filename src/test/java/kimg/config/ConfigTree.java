package kimg.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A project tree written into a temporary directory, and the ways the tests load it. Files are given as lines so
 * that a test reads like the config it describes and line numbers in expectations are easy to count.
 */
public final class ConfigTree {
    /** The host environment every load sees (bare Environment= keys and [Match] Environment= read it). */
    public static final Map<String, String> HOST = Map.of("HOST_ONLY", "from-host", "HOME", "/home/dev");

    public final Path root;

    public ConfigTree(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Writes {@code rel} (parents created) with one line per argument. */
    public ConfigTree file(String rel, String... lines) {
        Path p = root.resolve(rel);
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Creates a directory (a source tree, a module without config yet). */
    public ConfigTree dir(String rel) {
        try {
            Files.createDirectories(root.resolve(rel));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public Path path(String rel) {
        return root.resolve(rel).normalize();
    }

    /** {@code "Distribution=fedora", "Packages=a", "Packages=b"} → the overrides the command line would make. */
    public static Map<String, List<String>> commandLine(String... assignments) {
        var out = new LinkedHashMap<String, List<String>>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            out.computeIfAbsent(a.substring(0, eq), k -> new ArrayList<>()).add(a.substring(eq + 1));
        }
        return out;
    }

    public Config load(String... commandLine) {
        return ConfigLoader.load(ConfigInput.of(root).withOverrides(commandLine(commandLine)), HOST);
    }

    /** Loads with kimg started in {@code start} (the %D specifier, relative command-line paths). */
    public Config loadFrom(Path start, String... commandLine) {
        return ConfigLoader.load(ConfigInput.of(root).withStartDirectory(start).withOverrides(commandLine(commandLine)),
                HOST);
    }

    public ConfigError loadFails(String... commandLine) {
        return assertThrows(ConfigError.class, () -> load(commandLine));
    }

    /** {@code file:line} as errors and warnings print it. */
    public String at(String rel, int line) {
        return path(rel) + ":" + line;
    }
}
