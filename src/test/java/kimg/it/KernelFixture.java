package kimg.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;
import kimg.ui.Console;

/**
 * One real kernel per JVM for every IT that needs one (VM boot, module reload, gdb): linux-source-6.1 from the
 * Debian package, built with the repository's mkosi.kernel.config.
 *
 * <p>Everything expensive lives in {@value #DEFAULT_CACHE} (or -Dkimg.it.cache), outside target/ so that
 * {@code mvn clean} keeps it: the unpacked tree, keyed by the tarball's size and mtime and unpacked into a temporary
 * directory that is renamed into place (an interrupted unpack is never reused), and the kernel build directory,
 * which make reuses incrementally across runs. A file lock serialises JVMs (several worktrees may run ITs at once).
 */
public final class KernelFixture {
    static final String DEFAULT_CACHE = "/var/tmp/kimg-it";
    static final Path TARBALL = Path.of("/usr/src/linux-source-6.1.tar.xz");

    private static KernelArtifacts built;
    private static RuntimeException failure;
    private static Path project;
    private static Config config;
    private static String treeHashBeforeBuild;

    private KernelFixture() {}

    public static Path cacheDirectory() {
        return Path.of(System.getProperty("kimg.it.cache", DEFAULT_CACHE));
    }

    /** The repository's root (Maven runs tests there): where mkosi.kernel.config lives. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("mkosi.kernel.config"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no mkosi.kernel.config above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** The shared kernel build: built (or brought up to date) once per JVM, failures remembered and rethrown. */
    public static synchronized KernelArtifacts built() {
        if (failure != null) {
            throw failure;
        }
        if (built == null) {
            try {
                Path tree = sourceTree();
                // Under target/: small (config and step logs), kept after the run for a look at the logs.
                Path projects = Files.createDirectories(repositoryRoot().resolve("target/it-projects"));
                project = Files.createTempDirectory(projects, "kernel-");
                Files.copy(repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"));
                config = projectConfig(project, tree, cacheDirectory().resolve("builddir"));
                try (var lock = lock()) {
                    treeHashBeforeBuild = treeHash(tree);
                    built = KernelBuilder.build(config, options(false), exec(project));
                }
            } catch (IOException e) {
                failure = new UncheckedIOException(e);
                throw failure;
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return built;
    }

    /** The config the shared build used (valid after {@link #built()}). */
    public static synchronized Config config() {
        built();
        return config;
    }

    /** The temporary project directory of the shared build (its mkosi.output/logs has the step logs). */
    public static synchronized Path project() {
        built();
        return project;
    }

    /** The source tree's {@link #treeHash} just before the first build of this JVM. */
    static synchronized String treeHashBeforeBuild() {
        built();
        return treeHashBeforeBuild;
    }

    /** A kimg project for a kernel tree: BuildSources=TREE:kernel, build directories under {@code buildDirectory}. */
    public static Config projectConfig(Path project, Path tree, Path buildDirectory) {
        return Config.ofValues(project, Map.of(
                "BuildSources", List.of(tree + ":kernel"),
                "BuildDirectory", List.of(buildDirectory.toString()),
                "OutputDirectory", List.of(project.resolve("mkosi.output").toString())));
    }

    /** {@code build --kernel} (with -i when {@code incremental}). */
    public static BuildOptions options(boolean incremental) {
        return new BuildOptions(incremental, List.of("kernel"), null, 0, Runtime.getRuntime().availableProcessors());
    }

    public static Exec exec(Path project) {
        return new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));
    }

    /**
     * The cross-JVM lock on the cache, held while a build (or an unpack) runs: several worktrees may run ITs at
     * once, and two makes in one build directory would corrupt it. Closing the channel releases it.
     */
    public static FileChannel lock() throws IOException {
        Files.createDirectories(cacheDirectory());
        FileChannel ch = FileChannel.open(cacheDirectory().resolve("kernel.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            ch.lock();
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** The unpacked linux-source tree, unpacked on first use. Never written to by anything afterwards. */
    public static synchronized Path sourceTree() throws IOException {
        Path cache = cacheDirectory();
        Path tree = cache.resolve("linux-" + Files.size(TARBALL) + "-" + Files.getLastModifiedTime(TARBALL).toMillis() / 1000);
        if (Files.isDirectory(tree)) {
            return tree;
        }
        try (var lock = lock()) {
            if (Files.isDirectory(tree)) {
                return tree;
            }
            try (Stream<Path> s = Files.list(cache)) {
                for (Path stale : s.filter(p -> p.getFileName().toString().startsWith(".unpack-")).toList()) {
                    deleteTree(stale);
                }
            }
            Path tmp = Files.createTempDirectory(cache, ".unpack-");
            exec(tmp).run("unpack-linux-source", Cmd.of("tar", "-xf", TARBALL.toString(), "-C", tmp.toString()));
            Path top;
            try (Stream<Path> s = Files.list(tmp)) {
                top = s.filter(p -> p.getFileName().toString().startsWith("linux")).findFirst()
                        .orElseThrow(() -> new IOException("no linux-* directory in " + TARBALL));
            }
            Files.move(top, tree, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(tmp);
        }
        return tree;
    }

    /**
     * A fingerprint of a tree's shape: sha256 of the sorted list of every entry with its type, and size and mtime
     * for files. Any file a build wrote, touched or left behind changes it.
     */
    public static String treeHash(Path tree) throws IOException {
        var lines = new ArrayList<String>();
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = tree.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    lines.add("l " + rel + " " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    lines.add("d " + rel);
                } else {
                    lines.add("f " + rel + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis());
                }
            }
        }
        lines.sort(Comparator.naturalOrder());
        var text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        return kimg.fs.Sha256.of(text.toString());
    }

    static void deleteTree(Path root) throws IOException {
        kimg.fs.FileTrees.deleteRecursively(root);
    }
}
