package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.fs.FileTrees;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;
import kimg.module.LocalVersion;
import kimg.ui.Console;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Builds linux-source-6.1 with the repository's mkosi.kernel.config and checks what kimg's kernel builder promises. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelBuildIT {
    /** kbuild's short line for a compile or a link ("  CC      init/main.o", "  LD [M]  fs/minix/minix.ko"). */
    static final Pattern WORK = Pattern.compile("^\\s+(CC|LD|AS|AR)( \\[M\\])?\\s.*");

    @Test
    @Order(1)
    void buildsBootableKernelModulesAndDebugInfo() throws IOException {
        KernelArtifacts k = KernelFixture.built();
        assertTrue(Files.isRegularFile(k.bzImage()), "bzImage " + k.bzImage());
        assertTrue(Files.isRegularFile(k.vmlinux()), "vmlinux " + k.vmlinux());
        assertTrue(Files.isRegularFile(k.systemMap()), "System.map " + k.systemMap());
        assertEquals(LocalVersion.EMPTY_DIRECTORY, k.buildDir().getFileName().toString());
        assertEquals(KernelFixture.config().moduleBuildDirectory("kernel").resolve("default"), k.buildDir());

        String release = Files.readString(k.buildDir().resolve("include/config/kernel.release")).strip();
        assertEquals(release, k.release());
        assertTrue(k.release().startsWith("6.1."), k.release());
        // The x86 setup header carries the version string uncompressed: it names our release and build identity.
        String image = new String(Files.readAllBytes(k.bzImage()), StandardCharsets.ISO_8859_1);
        assertTrue(image.contains(k.release() + " (kimg@kimg)"), "bzImage version string names " + k.release());

        assertEquals(k.modulesRoot().resolve(k.release()), k.modulesDir());
        assertEquals(KernelFixture.config().moduleBuildDirectory("kernel").resolve("modules"), k.modulesRoot());
        assertTrue(Files.isRegularFile(k.modulesDir().resolve("kernel/fs/minix/minix.ko")), "minix.ko");
        String dep = Files.readString(k.modulesDir().resolve("modules.dep"));
        assertTrue(dep.contains("kernel/fs/minix/minix.ko:"), dep);

        List<String> config = Files.readAllLines(k.buildDir().resolve(".config"));
        for (String wanted : List.of("CONFIG_VIRTIO_FS=y", "CONFIG_SERIAL_8250_CONSOLE=y", "CONFIG_MINIX_FS=m",
                "CONFIG_ACPI=y", "CONFIG_MAGIC_SYSRQ=y", "CONFIG_DEBUG_INFO_DWARF5=y", "CONFIG_GDB_SCRIPTS=y",
                "CONFIG_BTRFS_FS=m", "CONFIG_MODULE_SIG_FORCE=y", "CONFIG_MODULE_SIG_ALL=y")) {
            assertTrue(config.contains(wanted), wanted);
        }
        assertNotNull(k.gdbScript(), "vmlinux-gdb.py for the lx- commands");
        assertTrue(Files.exists(k.gdbScript()));
        assertTrue(k.configHash().matches("[0-9a-f]{64}"), k.configHash());
        assertTrue(k.compiler().contains("gcc"), k.compiler());
        assertEquals(k.buildDir(), Path.of(Files.readSymbolicLink(k.modulesDir().resolve("build")).toString()));
    }

    @Test
    @Order(2)
    void secondBuildRebuildsNothing() throws IOException {
        KernelArtifacts first = KernelFixture.built();
        FileTime vmlinux = Files.getLastModifiedTime(first.vmlinux());
        FileTime bzImage = Files.getLastModifiedTime(first.bzImage());
        Path project = KernelFixture.project();
        Exec exec = KernelFixture.exec(project);
        KernelArtifacts again;
        try (var lock = KernelFixture.lock()) {
            again = KernelBuilder.build(KernelFixture.config(), KernelFixture.options(false), exec);
        }
        assertEquals(first.buildDir(), again.buildDir());
        assertEquals(first.release(), again.release());
        assertEquals(first.configHash(), again.configHash());
        assertEquals(vmlinux, Files.getLastModifiedTime(again.vmlinux()), "vmlinux relinked");
        assertEquals(bzImage, Files.getLastModifiedTime(again.bzImage()), "bzImage rebuilt");
        assertFalse(ran(exec, "kernel-config-base"), "reconfigured although nothing changed");
        assertFalse(ran(exec, "kernel-listnewconfig"), "no Kconfig file changed, listnewconfig is not needed");
        List<String> work = workLines(exec, "kernel-make");
        assertEquals(List.of(), work, "a no-op build compiled or linked");
        assertTrue(Files.isRegularFile(again.modulesDir().resolve("modules.dep")));
    }

    @Test
    @Order(3)
    void incrementalBuildMakesOnlyModules() throws IOException {
        KernelArtifacts first = KernelFixture.built();
        FileTime bzImage = Files.getLastModifiedTime(first.bzImage());
        Path project = KernelFixture.project();
        Exec exec = KernelFixture.exec(project);
        KernelArtifacts again;
        try (var lock = KernelFixture.lock()) {
            again = KernelBuilder.build(KernelFixture.config(), KernelFixture.options(true), exec);
        }
        List<String> makeLog = log(exec, "kernel-make");
        String command = makeLog.get(0);
        assertTrue(command.endsWith(" modules"), command);
        assertFalse(command.contains("bzImage"), command);
        assertEquals(bzImage, Files.getLastModifiedTime(again.bzImage()));
        // The modules were installed by the full build: nothing changed, so no make modules_install and no depmod.
        assertFalse(ran(exec, "kernel-modules-install"), "a whole modules_install although the install is complete");
        assertFalse(ran(exec, "kernel-depmod"), "depmod although no module changed");
        // The shipped config signs modules on install (MODULE_SIG_ALL), and kimg installs them stripped
        // (INSTALL_MOD_STRIP=1): the installed copy is the built module without its DWARF, .BTF kept, followed by
        // its signature (the build's own scripts/sign-file); the build directory keeps the full module for gdb.
        for (String module : List.of("fs/minix/minix.ko", "fs/btrfs/btrfs.ko")) {
            Path built = again.buildDir().resolve(module);
            Path installed = again.modulesDir().resolve("kernel").resolve(module);
            byte[] bytes = Files.readAllBytes(installed);
            assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).endsWith("~Module signature appended~\n"),
                    "the installed module is signed: " + installed);
            String builtSections = sections(exec, built);
            String installedSections = sections(exec, installed);
            assertTrue(builtSections.contains(" .debug_info "), "the build directory's module has DWARF: " + built);
            assertFalse(installedSections.contains(" .debug_"), "the installed module is stripped: " + installedSections);
            assertTrue(installedSections.contains(" .BTF "), "the installed module keeps its BTF: " + installedSections);
            assertTrue(Files.size(installed) < Files.size(built), installed + " is smaller than " + built);
        }
        // The 23 MB module that hung the guest (one direct-I/O read through virtiofs) is about 1.5 MB installed.
        long btrfs = Files.size(again.modulesDir().resolve("kernel/fs/btrfs/btrfs.ko"));
        assertTrue(btrfs < (8 << 20), "installed btrfs.ko is " + btrfs + " bytes");
    }

    /** {@code readelf -S -W}: one line per section, its name between blanks. */
    private static String sections(Exec exec, Path elf) {
        return exec.capture("readelf-sections", Cmd.of("readelf", "-S", "-W", elf.toString())).text();
    }

    /**
     * A localversion file in the tree moves the build into its own directory. The tree here is a copy (symlinks
     * plus the new file, so the shared tree is never written), and the build stops after configure:
     * `make kernelrelease` there already says what the release will be, which is all this rule is about.
     */
    @Test
    @Order(4)
    void localVersionFileChoosesANewBuildDirectory() throws IOException {
        // Not @TempDir: JUnit warns about each of the copy's 75,000 symlinks when it deletes them.
        Path tmp = Files.createTempDirectory("kimg-lv-it-");
        try {
            localVersionFileChoosesANewBuildDirectory(tmp);
        } finally {
            FileTrees.deleteRecursively(tmp);
        }
    }

    private void localVersionFileChoosesANewBuildDirectory(Path tmp) throws IOException {
        Path shared = KernelFixture.sourceTree();
        Path copy = tmp.resolve("linux");
        Exec exec = KernelFixture.exec(tmp);
        // The copy: a directory whose top-level entries are symlinks into the shared tree (kbuild reads through
        // them), plus a real localversion-test file that exists only here.
        Files.createDirectories(copy);
        try (var entries = Files.list(shared)) {
            for (Path e : entries.toList()) {
                Files.createSymbolicLink(copy.resolve(e.getFileName()), e);
            }
        }
        Files.writeString(copy.resolve("localversion-test"), "-test\n");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"));
        // A fragment on top, merged by merge_config.sh: one symbol kconfig keeps, one it must drop (USB_STORAGE
        // needs USB and SCSI, which nothing enables) and kimg must name.
        Path fragment = Files.writeString(project.resolve("extra.fragment"), "CONFIG_MINIX_FS=y\nCONFIG_USB_STORAGE=y\n");
        Config base = KernelFixture.projectConfig(project, copy, tmp.resolve("builddir"));
        var values = new java.util.LinkedHashMap<String, List<String>>();
        base.explicit().forEach((k, v) -> values.put(k, v.stream().map(kimg.config.Value::text).toList()));
        values.put("KernelConfigFragments", List.of(fragment.toString()));
        Config config = Config.ofValues(project, values);
        var console = new java.io.ByteArrayOutputStream();
        Exec configuring = new Exec(exec.logs(), Console.plain(new java.io.PrintStream(console, true, StandardCharsets.UTF_8)));

        Path dir = KernelBuilder.configure(config, KernelFixture.options(false), configuring);
        String said = console.toString(StandardCharsets.UTF_8);
        System.err.print(said);
        assertEquals(tmp.resolve("builddir/debian~bookworm~x86-64/kernel/-test"), dir);
        assertTrue(Files.isRegularFile(dir.resolve(".config")));
        List<String> dotConfig = Files.readAllLines(dir.resolve(".config"));
        assertTrue(dotConfig.contains("CONFIG_MINIX_FS=y"), "fragment merged over mkosi.kernel.config's =m");
        assertTrue(said.contains("warning: kernel: 1 requested kconfig value(s) not in the final .config"), said);
        assertTrue(said.contains("CONFIG_USB_STORAGE=y (got: not set)"), said);
        assertFalse(Files.exists(tmp.resolve("builddir/debian~bookworm~x86-64/kernel/default")));
        var release = exec.capture("kernelrelease", Cmd.of("make", "-s", "-C", copy.toString(), "O=" + dir,
                "LOCALVERSION=", "kernelrelease"));
        assertEquals(KernelFixture.built().release() + "-test", release.output().get(release.output().size() - 1));
        assertFalse(Files.exists(shared.resolve("localversion-test")));
    }

    @Test
    @Order(5)
    void sourceTreeIsNeverWritten() throws IOException {
        String before = KernelFixture.treeHashBeforeBuild();
        assertEquals(before, KernelFixture.treeHash(KernelFixture.sourceTree()));
    }

    private static boolean ran(Exec exec, String step) {
        return exec.logs().records().stream().anyMatch(r -> r.step().equals(step));
    }

    private static List<String> log(Exec exec, String step) throws IOException {
        StepLogs.StepRecord r = exec.logs().records().stream().filter(s -> s.step().equals(step)).findFirst()
                .orElseThrow(() -> new AssertionError("step " + step + " did not run"));
        return Files.readAllLines(r.log(), StandardCharsets.UTF_8);
    }

    private static List<String> workLines(Exec exec, String step) throws IOException {
        return log(exec, step).stream().filter(l -> WORK.matcher(l).matches()).toList();
    }
}
