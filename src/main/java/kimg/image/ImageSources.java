package kimg.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.config.Tree;

/**
 * What the project adds to the distribution tree, as mkosi finds it: the extra trees (mkosi.extra/, then
 * ExtraTrees=), the post-installation scripts (mkosi.postinst, then PostInstallationScripts=) and the partition
 * definitions of Format=disk (mkosi.repart/).
 *
 * @param extraTrees      in order: later trees overwrite earlier ones
 * @param postinstScripts in order
 * @param repart          mkosi.repart/, when the project has one
 */
record ImageSources(List<ExtraTree> extraTrees, List<Path> postinstScripts, Optional<Path> repart) {
    /** A host directory copied into the image at {@code destination} (an absolute path in the image). */
    record ExtraTree(Path source, String destination) {}

    /**
     * Reads the project's sources for {@code config}.
     *
     * @throws ConfigError when an extra tree is not a directory or a script is not executable
     */
    static ImageSources of(Config config) {
        Path repart = config.directory().resolve("mkosi.repart");
        return new ImageSources(extraTrees(config), postinstScripts(config),
                Files.isDirectory(repart) ? Optional.of(repart) : Optional.empty());
    }

    /** Whether assembling runs anything in a bubblewrap sandbox (tree copies, scripts). */
    boolean needsSandbox(List<ImageBuilder.Overlay> overlays) {
        return !extraTrees.isEmpty() || !overlays.isEmpty() || !postinstScripts.isEmpty();
    }

    private static List<ExtraTree> extraTrees(Config config) {
        var out = new ArrayList<ExtraTree>();
        Path implicit = config.directory().resolve("mkosi.extra");
        var explicit = new ArrayList<ExtraTree>();
        for (Tree t : config.items(Settings.EXTRA_TREES)) {
            explicit.add(new ExtraTree(t.source(), t.target().isEmpty() ? "/" : t.target()));
        }
        if (Files.isDirectory(implicit) && explicit.stream().noneMatch(t -> t.source().equals(implicit))) {
            out.add(new ExtraTree(implicit, "/"));
        }
        out.addAll(explicit);
        for (ExtraTree t : out) {
            if (!Files.isDirectory(t.source())) {
                throw new ConfigError(config.origin(Settings.EXTRA_TREES), "ExtraTrees",
                        "not a directory: " + t.source() + " (kimg copies directory trees only)");
            }
        }
        return out;
    }

    private static List<Path> postinstScripts(Config config) {
        var out = new ArrayList<Path>();
        Path implicit = config.directory().resolve("mkosi.postinst");
        if (Files.isRegularFile(implicit)) {
            out.add(implicit);
        }
        for (Path script : config.items(Settings.POST_INSTALLATION_SCRIPTS)) {
            if (!out.contains(script)) {
                out.add(script);
            }
        }
        for (Path s : out) {
            if (!Files.isExecutable(s)) {
                throw new ConfigError(config.origin(Settings.POST_INSTALLATION_SCRIPTS), "PostInstallationScripts",
                        "not an executable file: " + s);
            }
        }
        return out;
    }
}
