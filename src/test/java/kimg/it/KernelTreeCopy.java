package kimg.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KernelArtifacts;

/**
 * A private, editable copy of the shared kernel tree for tests and benchmarks that change kernel sources, and a
 * kimg project that builds it ({@code -i --kernel}) in a copy of the fixture's build directory.
 *
 * <p>The tree copy is made of hard links ({@code cp -al}: a second for the 1.5 GB tree, no space), so it must
 * never be written through: {@link #edit} replaces a file by a new inode instead of writing into the shared one.
 *
 * <p>The build directory is a real copy (about 1 GB, {@code cp -a}: mtimes kept), {@link #relocate}d: kbuild records
 * the absolute source and build paths in every command line and dependency list it keeps, and rebuilds a target
 * whose recorded command differs from today's, so a copy left as it was rebuilt everything. An empty build
 * directory is no way out either: with DEBUG_INFO_BTF_MODULES (the shipped config) Linux 6.1's Makefile makes
 * {@code modules} depend on {@code vmlinux}, so a modules-only build there compiles the whole kernel (1,474
 * objects, 282-317 s in CI). Relocated, the copy's first {@code build -i} compiles nothing and the one after an
 * edit compiles only what the edit touched. Same sources, config, local version and signing key as the fixture:
 * the same kernel release and vermagic, and modules the fixture's bzImage (MODULE_SIG_FORCE) loads.
 */
public final class KernelTreeCopy {
    private final Path project;
    private final Path tree;
    private final Path buildDirectory;

    private KernelTreeCopy(Path project, Path tree, Path buildDirectory) {
        this.project = project;
        this.tree = tree;
        this.buildDirectory = buildDirectory;
    }

    /**
     * Copies the fixture's tree into {@code project/linux} and its build directory into the project's, writes
     * {@code project/mkosi.conf} (BuildSources=the copy:kernel, BuildDirectory=project/mkosi.builddir, Format=none)
     * plus the sections of {@code extraConf}, and the repository's mkosi.kernel.config.
     */
    public static KernelTreeCopy create(Path project, KernelArtifacts fixture, ItProject extraConf) {
        try {
            Files.createDirectories(project);
            Path tree = project.resolve("linux");
            Path buildDirectory = project.resolve("mkosi.builddir");
            Exec exec = KernelFixture.exec(project);
            // The real path: cp -a copies a symbolic link as a link, and edits would then go through it into the
            // shared tree.
            Path fixtureTree = fixture.sourceTree().toRealPath();
            exec.run("copy-kernel-tree", Cmd.of("cp", "-al", fixtureTree.toString(), tree.toString()));
            Files.copy(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"));
            ItProject.empty().output("none")
                    .build("BuildSources=" + tree + ":kernel", "BuildDirectory=" + buildDirectory)
                    .then(extraConf)
                    .write(project);
            var copy = new KernelTreeCopy(project, tree, buildDirectory);
            // The fixture's build dir is <root>/kernel/<LV>; ours, for the same LV, is <our root>/kernel/<LV>.
            Path ours = copy.kernelBuildRoot().resolve(fixture.buildDir().getFileName());
            Files.createDirectories(ours.getParent());
            Path fixtureBuild = fixture.buildDir().toRealPath();
            try (var lock = KernelFixture.lock()) { // no fixture build in another JVM while we copy
                exec.run("copy-kernel-build", Cmd.of("cp", "-a", fixtureBuild.toString(), ours.toString()));
            }
            // kbuild records real paths (it takes realpath of the tree and of O=).
            relocate(ours, Map.of(fixtureTree.toString(), tree.toRealPath().toString(),
                    fixtureBuild.toString(), ours.toRealPath().toString()));
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces each old path of {@code paths} by its new one where kbuild looks for them in a copied build
     * directory: the {@code .cmd} files (the command a target was made with, which if_changed compares, and fixdep's
     * list of its prerequisites), the {@code .d} files of tools/ and compile_commands.json, keeping their mtimes;
     * and symbolic links into the old trees (scripts/gdb) are re-pointed. Objects keep the old paths in their debug
     * info, which no make rule reads.
     */
    static void relocate(Path buildDirectory, Map<String, String> paths) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(buildDirectory)) {
            files = walk.toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (Files.isSymbolicLink(f)) {
                String target = Files.readSymbolicLink(f).toString();
                String moved = replace(target, paths);
                if (!moved.equals(target)) {
                    Files.delete(f);
                    Files.createSymbolicLink(f, Path.of(moved));
                }
            } else if ((name.endsWith(".cmd") || name.endsWith(".d") || name.equals("compile_commands.json"))
                    && Files.isRegularFile(f)) {
                // Bytes as ISO-8859-1: one char per byte, so the paths (ASCII) are replaced and nothing else moves.
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                String moved = replace(text, paths);
                if (!moved.equals(text)) {
                    FileTime mtime = Files.getLastModifiedTime(f);
                    Files.write(f, moved.getBytes(StandardCharsets.ISO_8859_1));
                    Files.setLastModifiedTime(f, mtime);
                }
            }
        }
    }

    private static String replace(String text, Map<String, String> paths) {
        String out = text;
        for (var e : paths.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    public Path project() {
        return project;
    }

    public Path tree() {
        return tree;
    }

    /** {@code <BuildDirectory>/<dist>~<rel>~<arch>/kernel} (the guest's /work/build/kernel). */
    public Path kernelBuildRoot() {
        return config().moduleBuildDirectory("kernel");
    }

    /** The project's configuration, as kimg loads it. */
    public Config config() {
        return ConfigLoader.load(ConfigInput.of(project).forBuild());
    }

    /** {@code kimg -t none build -i --kernel} in the copy's project, in-process. */
    public KimgCli buildModules() {
        return KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--kernel");
    }

    /**
     * Replaces {@code relative} in the copy with {@code edit} applied to its text: a new file (new inode), never a
     * write through the hard link into the shared tree.
     */
    public void edit(String relative, java.util.function.UnaryOperator<String> edit) {
        Path file = tree.resolve(relative);
        try {
            String text = Files.readString(file);
            String changed = edit.apply(text);
            if (changed.equals(text)) {
                throw new IllegalArgumentException("the edit changed nothing in " + relative);
            }
            Path tmp = file.resolveSibling("." + file.getFileName() + ".kimg-edit");
            Files.writeString(tmp, changed);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the copy and its build directories (the project's logs stay). */
    public void deleteTreeAndBuilds() {
        try {
            KernelFixture.deleteTree(tree);
            KernelFixture.deleteTree(buildDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
