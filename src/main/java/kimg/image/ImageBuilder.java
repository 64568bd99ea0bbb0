package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.exec.Exec;
import kimg.fs.FileTrees;
import kimg.fs.OwnedPaths;
import kimg.fs.ProjectLock;

/**
 * Builds the image in two stages, each done by its own class; this one decides which run and in what order.
 *
 * <ol>
 *   <li><b>Base</b>: the distribution tree from the package manager, cached ({@link RootfsCache}) under
 *       {@code <CacheDirectory>/<dist>~<rel>~<arch>~final~<hash>/root}, keyed by {@link RootfsCacheKey}.</li>
 *   <li><b>Output</b>: a copy of the cached tree plus guest setup, extra trees, module outputs and
 *       post-installation scripts, then the format ({@link ImageAssembler}), assembled in a staging directory and
 *       swapped in at the end ({@link StagedOutput}). It is skipped when its inputs ({@link OutputStamp}) match the
 *       last build and no -f was given, so a warm {@code kimg build} does no copying.</li>
 * </ol>
 *
 * <p>-f rebuilds the output from the cache; -ff (and Incremental=no) also runs the package manager again. Module
 * outputs ({@link Overlay}) go into the output tree only, never into the cache.
 */
public final class ImageBuilder {
    /** A host tree to install into the image at {@code destinationInImage} (module outputs). */
    public record Overlay(Path hostTree, String destinationInImage) {}

    private final Config config;
    private final Exec exec;
    private final StepTimes times = new StepTimes();

    private ImageBuilder(Config config, Exec exec) {
        this.config = config;
        this.exec = exec;
    }

    /** The lead's entry point: builds (or reuses) the image described by {@code config}. */
    public static ImageArtifacts build(Config config, BuildOptions options, Exec exec, List<Overlay> overlays) {
        return build(config, options, exec, overlays, false);
    }

    /**
     * @param baseTreeFresh the distribution tree was already made (or refreshed, for -ff) by this run's
     *                      {@link #prepareBaseTree}: use it from the cache instead of refreshing it a second time
     */
    public static ImageArtifacts build(Config config, BuildOptions options, Exec exec, List<Overlay> overlays,
            boolean baseTreeFresh) {
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg build")) {
            return new ImageBuilder(config, exec).run(options.force(), overlays, baseTreeFresh);
        }
    }

    /**
     * Makes sure the image's cached distribution tree exists (mmdebstrap or dnf when it does not), so that a build
     * can run it while the kernel compiles; the later {@link #build} (told so) then takes it from the cache. When
     * the build refreshes the cache (-ff, Incremental=no) the refresh happens here, once. False, doing nothing, when
     * there is no image to build.
     */
    public static boolean prepareBaseTree(Config config, BuildOptions options, Exec exec) {
        if (config.format().equals("none")) {
            return false;
        }
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg build")) {
            new RootfsCache(config, exec).ensure(RootfsSpec.finalTree(config),
                    refreshesCache(config, options.force()), new StepTimes());
            return true;
        }
    }

    /**
     * The build overlay: a cached tree of the image's packages plus BuildPackages=, for module build scripts.
     * Returned read-only by convention: mount it read-only or as an overlayfs lower layer, never write into it.
     */
    public static Path buildOverlay(Config config, BuildOptions options, Exec exec) {
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg build")) {
            return new RootfsCache(config, exec).ensure(RootfsSpec.buildTree(config), options.force() >= 2,
                    new StepTimes()).root();
        }
    }

    /**
     * {@code clean}: level 1 removes the image outputs (tree, archive, state, leftovers of interrupted runs);
     * level 2 also removes every cached distribution tree kimg made in CacheDirectory.
     */
    public static void clean(Config config, int level, Exec exec) {
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg clean")) {
            OutputPaths p = OutputPaths.of(config);
            var output = new StagedOutput(p, exec);
            var cache = new RootfsCache(config, exec);
            output.pruneLeftovers(cache);
            if (level >= 1) {
                // The state file last: it is how an older kimg's outputs (made before stamps) are recognised.
                for (Path path : p.outputs()) {
                    output.deleteOwned("remove-image", path);
                }
                new TreeCleanup(exec).delete(p.stateFile());
            }
            if (level >= 2) {
                cache.dropAll();
            }
        }
    }

    /** Pure: whether a build runs the package manager even when the tree is cached (-ff, Incremental=no). */
    static boolean refreshesCache(Config config, int force) {
        return force >= 2 || !config.get(Settings.INCREMENTAL);
    }

    private ImageArtifacts run(int force, List<Overlay> overlays, boolean baseTreeFresh) {
        OutputPaths p = OutputPaths.of(config);
        String format = config.format();
        RootfsSpec spec = RootfsSpec.finalTree(config);
        RootfsCacheKey key = RootfsCacheKey.of(spec);
        try {
            Files.createDirectories(p.outputDirectory());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Before any step: an output path kimg did not make (a user's tree under that name) stops the build.
        for (Path output : p.outputs()) {
            OwnedPaths.requireOwned("image", output, p::madeByOlderKimg);
        }
        var cache = new RootfsCache(config, exec);
        var output = new StagedOutput(p, exec);
        output.pruneLeftovers(cache);

        if (format.equals("none")) {
            // -t none: modules only (build -i); the image stays as it is and the VM boots the existing tree.
            Path tree = Files.isDirectory(p.tree()) ? p.tree() : null;
            boolean cached = Files.isDirectory(config.cacheDirectory().resolve(key.entryName()).resolve("root"));
            return artifacts(tree, null, format, key, cached);
        }
        // The old entry is replaced only when the new one is complete, so an interrupted -ff leaves the cache as it was.
        RootfsCache.Entry entry = cache.ensure(spec, refreshesCache(config, force) && !baseTreeFresh, times);
        if (config.sshInImage()) {
            // Before the output inputs: the public key is one of them (a new key means a new authorized_keys).
            SshKey.ensure(config.directory(), exec);
        }
        ImageSources sources = ImageSources.of(config);
        List<String> inputs = OutputStamp.inputs(config, entry, format, sources, overlays);
        if (force == 0 && OutputStamp.upToDate(p, format, config.sshInImage(), inputs)) {
            exec.console().info("image up to date: " + p.tree());
        } else {
            Path staging = output.begin();
            try {
                ImageAssembler.assemble(config, exec, times, entry, staging, p, format, sources, overlays);
                output.swapIn(staging, format, inputs, times);
            } finally {
                output.end(staging);
            }
        }
        return artifacts(p.tree(), p.outputOf(format), format, key, entry.hit());
    }

    private ImageArtifacts artifacts(Path tree, Path output, String format, RootfsCacheKey key, boolean hit) {
        Path kernel = tree == null ? null : newestIn(tree.resolve("boot"), "vmlinuz-").orElse(null);
        Path initrd = tree == null ? null : newestIn(tree.resolve("boot"), "initrd.img-").orElse(null);
        return new ImageArtifacts(tree, output, format, key.hash(), hit, kernel, initrd, times.asMap());
    }

    private static Optional<Path> newestIn(Path dir, String prefix) {
        return FileTrees.list(dir).stream().filter(f -> f.getFileName().toString().startsWith(prefix))
                .filter(Files::isRegularFile).max(Comparator.comparing(f -> f.getFileName().toString()));
    }
}
