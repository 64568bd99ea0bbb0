package kimg.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KernelArtifacts;

/**
 * A private, editable copy of the shared kernel tree for tests and benchmarks that change kernel sources, and a
 * kimg project that builds it ({@code -i --kernel}) into build directories of its own.
 *
 * <p>The copy is made of hard links ({@code cp -al}: a few seconds for the 1.5 GB tree, no space), so it must
 * never be written through: {@link #edit} replaces a file by a new inode instead of writing into the shared one.
 *
 * <p>Why not reuse the fixture's build directory: kbuild puts the absolute source path into every command line
 * it records (-I$(srctree)/include), so a tree at another path rebuilds everything in a copied build directory.
 * Instead the copy's build directory starts empty and {@code -i} builds only the modules (kbuild skips the
 * built-in objects for {@code make modules} without MODVERSIONS): about a minute, against several for a whole
 * kernel. The copy has the same sources, config and local version, so its kernel release and vermagic equal the
 * fixture's, and the fixture's bzImage loads its modules. What a modules-only build lacks are the outputs of the
 * vmlinux link that modules_install reads ({@link #LINK_OUTPUTS}): they are seeded from the fixture's build (same
 * sources and config, so the same symbols and built-in modules). So is the fixture's module signing key
 * ({@link #SIGNING_KEY}): its kernel has MODULE_SIG_FORCE and refuses a module signed with any other key, and kbuild
 * would otherwise generate a new one in the copy's build directory.
 */
public final class KernelTreeCopy {
    /** Written by the vmlinux link, read by modules_install (depmod -F System.map; the modules.builtin lists). */
    static final java.util.List<String> LINK_OUTPUTS = java.util.List.of("System.map", "modules.builtin",
            "modules.builtin.modinfo");

    /**
     * The fixture's signing key as kbuild made it (certs/Makefile, Linux 6.1): the key, the genkey config it was made
     * from and the .cmd record of the command, copied with their mtimes, so if_changed finds the key up to date and
     * keeps it; the certificate too (re-extracted from the same key when kbuild rebuilds extract-cert).
     */
    static final java.util.List<String> SIGNING_KEY = java.util.List.of("certs/x509.genkey", "certs/signing_key.pem",
            "certs/.signing_key.pem.cmd", "certs/signing_key.x509");

    private final Path project;
    private final Path tree;
    private final Path buildDirectory;

    private KernelTreeCopy(Path project, Path tree, Path buildDirectory) {
        this.project = project;
        this.tree = tree;
        this.buildDirectory = buildDirectory;
    }

    /**
     * Copies the fixture's tree into {@code project/linux} and writes {@code project/mkosi.conf}
     * (BuildSources=the copy:kernel, BuildDirectory=project/mkosi.builddir, Format=none) plus the sections of
     * {@code extraConf}, and the repository's mkosi.kernel.config.
     */
    public static KernelTreeCopy create(Path project, KernelArtifacts fixture, ItProject extraConf) {
        try {
            Files.createDirectories(project);
            Path tree = project.resolve("linux");
            Path buildDirectory = project.resolve("mkosi.builddir");
            Exec exec = KernelFixture.exec(project);
            // The real path: cp -a copies a symbolic link as a link, and edits would then go through it into the
            // shared tree.
            exec.run("copy-kernel-tree", Cmd.of("cp", "-al", fixture.sourceTree().toRealPath().toString(),
                    tree.toString()));
            Files.copy(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"));
            ItProject.empty().output("none")
                    .build("BuildSources=" + tree + ":kernel", "BuildDirectory=" + buildDirectory)
                    .then(extraConf)
                    .write(project);
            var copy = new KernelTreeCopy(project, tree, buildDirectory);
            // The fixture's build dir is <root>/kernel/<LV>; ours, for the same LV, is <our root>/kernel/<LV>.
            Path ours = copy.kernelBuildRoot().resolve(fixture.buildDir().getFileName());
            Files.createDirectories(ours);
            for (String linkOutput : LINK_OUTPUTS) {
                Files.copy(fixture.buildDir().resolve(linkOutput), ours.resolve(linkOutput),
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            Files.createDirectories(ours.resolve("certs"));
            for (String keyFile : SIGNING_KEY) {
                Files.copy(fixture.buildDir().resolve(keyFile), ours.resolve(keyFile), StandardCopyOption.COPY_ATTRIBUTES);
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
