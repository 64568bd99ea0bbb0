package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.manifest.Manifest;
import org.junit.jupiter.api.Test;

/**
 * Kernels built from git by identity, on a tinyconfig kernel from {@link KernelGitRepo}: KernelRef= checked out in
 * kimg's worktree with the user's repository untouched, the identity in the kernel release, A → B → A where the
 * third build compiles nothing (a store hit), KernelPatches= applied with git am from an mbox written here, and a
 * patch that does not apply named with its conflict. The project, build directory and store are cached under the
 * IT cache (keyed by the tree), so a rerun reuses identities instead of compiling again.
 */
class KernelIdentityIT {
    /** The small config of MACHINE-NOTES on tinyconfig (what tinyconfig cannot have is dropped with a warning). */
    static final String CONFIG = """
            # kimg: base=tinyconfig
            CONFIG_64BIT=y
            CONFIG_PRINTK=y
            CONFIG_TTY=y
            CONFIG_SERIAL_8250=y
            CONFIG_SERIAL_8250_CONSOLE=y
            CONFIG_BINFMT_ELF=y
            CONFIG_BINFMT_SCRIPT=y
            CONFIG_PROC_FS=y
            CONFIG_SYSFS=y
            CONFIG_DEVTMPFS=y
            CONFIG_DEVTMPFS_MOUNT=y
            CONFIG_TMPFS=y
            CONFIG_PCI=y
            CONFIG_VIRTIO_MENU=y
            CONFIG_VIRTIO_PCI=y
            CONFIG_VIRTIO_CONSOLE=y
            CONFIG_FUSE_FS=y
            CONFIG_VIRTIO_FS=y
            CONFIG_BLK_DEV=y
            CONFIG_MODULES=y
            CONFIG_MODULE_UNLOAD=y
            CONFIG_MISC_FILESYSTEMS=y
            CONFIG_MINIX_FS=m
            CONFIG_ACPI=y
            """;
    /**
     * The module the commits change: tinyconfig has no BLOCK, so the fragment's MINIX_FS=m (and BLK_DEV, TMPFS) is
     * dropped (kimg warns); x86_pkg_temp_thermal is the one module this config builds.
     */
    static final String MODULE_SOURCE = "drivers/thermal/intel/x86_pkg_temp_thermal.c";
    static final String MODULE_KO = "kernel/drivers/thermal/intel/x86_pkg_temp_thermal.ko";

    record Project(Path dir, Path repo, Exec exec) {
        KimgCli build(String... settings) throws IOException {
            write(settings);
            return KimgCli.run(dir, "-C", dir.toString(), "build");
        }

        /** {@code kimg -f build}: compiles in the build directory even when the store holds the identity. */
        KimgCli buildForced(String... settings) throws IOException {
            write(settings);
            return KimgCli.run(dir, "-C", dir.toString(), "-f", "build");
        }

        private void write(String... settings) throws IOException {
            ItProject.empty().output("none", "OutputDirectory=" + dir.resolve("mkosi.output"))
                    .build("BuildSources=" + repo + ":kernel", "BuildDirectory=" + dir.resolve("mkosi.builddir"),
                            "KernelStore=" + dir.resolve("store"))
                    .build(settings)
                    .write(dir);
        }

        Manifest manifest() {
            return Manifest.read(dir.resolve("mkosi.output")).orElseThrow();
        }

        /** The step logs of the newest run. */
        List<String> lastRunSteps() throws IOException {
            Path logs = dir.resolve("mkosi.output/logs");
            Path newest;
            try (Stream<Path> s = Files.list(logs)) {
                newest = s.filter(Files::isDirectory).max(java.util.Comparator.comparing(Path::getFileName))
                        .orElseThrow();
            }
            try (Stream<Path> s = Files.list(newest)) {
                return s.map(p -> p.getFileName().toString()).sorted().toList();
            }
        }
    }

    static Project project() throws IOException {
        Path repo = KernelGitRepo.repository();
        Path dir = Files.createDirectories(KernelFixture.cacheDirectory().resolve("identity-" + repo.getParent()
                .getFileName()));
        Files.writeString(dir.resolve("mkosi.kernel.config"), CONFIG);
        return new Project(dir, repo, KernelFixture.exec(dir));
    }

    static String withMarker(String source, String marker) {
        return source.replace("static int __init pkg_temp_thermal_init(void)\n{\n",
                "static int __init pkg_temp_thermal_init(void)\n{\n\tpr_info(\"" + marker + "\\n\");\n");
    }

    @Test
    void refsPatchesAndReuseByIdentity() throws Exception {
        Project p = project();
        String moduleSource = KernelGitRepo.show(p.repo(), p.exec(), "base", MODULE_SOURCE);
        KernelGitRepo.commit(p.repo(), p.exec(), "base", "kimg-it-b", "thermal: say B", Map.of(MODULE_SOURCE,
                withMarker(moduleSource, "kimg-it: B")));
        String before = KernelGitRepo.userState(p.repo(), p.exec());

        KimgCli a = p.build("KernelRef=base");
        assertEquals(0, a.status(), a::toString);
        Manifest.Kernel ka = p.manifest().kernel();
        assertTrue(ka.identity().matches("base-[0-9a-f]{8}"), ka.identity());
        assertTrue(ka.release().endsWith("-" + ka.identity()), ka.release());
        // kbuild's own release string: from the build directory (a build, or on a rerun a hit there), or from the
        // store entry (a store hit on a rerun).
        Path buildDir = p.dir().resolve("mkosi.builddir/debian~bookworm~x86-64/kernel/worktree.o");
        Path releaseFile = Path.of(ka.bzImage()).startsWith(buildDir)
                ? buildDir.resolve("include/config/kernel.release") : Path.of(ka.bzImage()).resolveSibling("release");
        assertEquals(ka.release(), Files.readString(releaseFile).strip());
        assertEquals(before, KernelGitRepo.userState(p.repo(), p.exec()), "kimg changed the user's repository");

        // -f: B is compiled in the build directory even on a rerun (when the store has it), so that A again below
        // is a store hit while the build directory holds B.
        KimgCli b = p.buildForced("KernelRef=kimg-it-b");
        assertEquals(0, b.status(), b::toString);
        Manifest.Kernel kb = p.manifest().kernel();
        assertTrue(kb.identity().matches("kimg-it-b-[0-9a-f]{8}"), kb.identity());
        assertNotEquals(ka.release(), kb.release());

        KimgCli again = p.build("KernelRef=base");
        assertEquals(0, again.status(), again::toString);
        assertTrue(again.err().contains("reuse: hit " + ka.identity()), again::toString);
        List<String> steps = p.lastRunSteps();
        assertTrue(steps.stream().noneMatch(s -> s.contains("kernel-make")), "A compiled again: " + steps);
        Manifest.Kernel kAgain = p.manifest().kernel();
        assertEquals(ka.identity(), kAgain.identity());
        assertEquals(ka.release(), kAgain.release());
        assertTrue(Files.isRegularFile(Path.of(kAgain.bzImage())), kAgain.bzImage());
        assertTrue(Files.isRegularFile(Path.of(kAgain.modulesDir(), MODULE_KO)), kAgain.modulesDir());

        // -i after that store hit: the build directory still holds B (its mark says so), so -i builds it whole once
        // instead of modules on B's vmlinux and Module.symvers; then it holds A, and -i is modules only.
        Path builtModule = buildDir.resolve(MODULE_SOURCE.replace(".c", ".ko"));
        KimgCli inc = KimgCli.run(p.dir(), "-C", p.dir().toString(), "build", "-i", "--kernel");
        assertEquals(0, inc.status(), inc::toString);
        assertTrue(inc.err().contains("last built " + kb.identity() + ", not " + ka.identity()
                + ": building it whole once"), inc::toString);
        assertFalse(new String(Files.readAllBytes(builtModule), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("kimg-it: B"), "-i left B's module in the build directory");
        KimgCli incAgain = KimgCli.run(p.dir(), "-C", p.dir().toString(), "build", "-i", "--kernel");
        assertEquals(0, incAgain.status(), incAgain::toString);
        assertFalse(incAgain.err().contains("building it whole once"), incAgain::toString);

        // A patch mailed on top of A: written here as format-patch output of a commit that adds a marker.
        KernelGitRepo.commit(p.repo(), p.exec(), "base", "kimg-it-patched", "thermal: say P", Map.of(MODULE_SOURCE,
                withMarker(moduleSource, "kimg-it: P")));
        Path mbox = p.dir().resolve("p.mbox");
        Files.writeString(mbox, p.exec().capture("format-patch", Cmd.of("git", "-C", p.repo().toString(),
                "format-patch", "--stdout", "base..kimg-it-patched")).text() + "\n");
        KimgCli patched = p.build("KernelRef=base", "KernelPatches=" + mbox);
        assertEquals(0, patched.status(), patched::toString);
        Manifest.Kernel kp = p.manifest().kernel();
        assertTrue(kp.identity().matches("base-[0-9a-f]{8}") && !kp.identity().equals(ka.identity()), kp.identity());
        Path worktree = Path.of(kp.sourceTree());
        assertTrue(Files.readString(worktree.resolve(MODULE_SOURCE)).contains("kimg-it: P"), "the patch is not applied");
        assertTrue(new String(Files.readAllBytes(Path.of(kp.modulesDir(), MODULE_KO)),
                java.nio.charset.StandardCharsets.ISO_8859_1).contains("kimg-it: P"), "the module lacks the patch");

        // The same patch on B conflicts: exit 1, naming the mbox and the file.
        KimgCli conflict = p.build("KernelRef=kimg-it-b", "KernelPatches=" + mbox);
        assertEquals(1, conflict.status(), conflict::toString);
        assertTrue(conflict.err().contains(mbox + " does not apply"), conflict::toString);
        assertTrue(conflict.err().contains(MODULE_SOURCE), conflict::toString);

        assertEquals(before, KernelGitRepo.userState(p.repo(), p.exec()), "kimg changed the user's repository");
    }
}
