package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.ConfigTree;
import kimg.config.Settings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 10, "Values and names": mkosi's own command-line spellings, each mapped to its settings-table row. */
class MkosiSpellingsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        new ConfigTree(dir)
                .file("mkosi.conf", "[Distribution]", "Distribution=debian")
                .file("mkosi.local.conf", "[Config]", "Include=modules/kernel", "Include=modules/btrfs-progs")
                .file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod")
                .file("modules/btrfs-progs/mkosi.conf", "[Content]", "Packages=btrfs-progs")
                .file("env/a.env", "A=1")
                .file("trees/x/.keep", "");
    }

    private Request parse(String... args) {
        var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Cli.Parsed p = Cli.parse(args, dir, sink, sink);
        assertNull(p.exitStatus(), "parse answered by itself: " + p.exitStatus());
        return p.request();
    }

    private Config load(String... args) {
        return ConfigLoader.load(parse(args).configInput(), java.util.Map.of());
    }

    @Test
    void packageAndShortPAppendToPackages() {
        Config c = load("--package=vim", "-p", "gdb", "--packages=strace", "summary");
        assertEquals(List.of("kmod", "btrfs-progs", "vim", "gdb", "strace"), c.items(Settings.PACKAGES));
    }

    @Test
    void anEmptyListFlagResetsWhatCameBefore() {
        Config c = load("-p", "vim", "--package=", "-p", "gdb", "summary");
        assertEquals(List.of("gdb"), c.items(Settings.PACKAGES));
    }

    @Test
    void buildPackageExtraTreeRuntimeTree() {
        Config c = load("--build-package=gcc", "--extra-tree=trees/x", "--runtime-tree=trees/x:/mnt/x:ro",
                "summary");
        assertEquals(List.of("gcc"), c.items(Settings.BUILD_PACKAGES));
        assertEquals(dir.resolve("trees/x"), c.items(Settings.EXTRA_TREES).get(0).source());
        assertEquals("/mnt/x", c.items(Settings.RUNTIME_TREES).get(0).target());
        assertTrue(c.items(Settings.RUNTIME_TREES).get(0).readOnly());
    }

    @Test
    void environmentShortEAndEnvFile() {
        Config c = load("-E", "A=1", "--environment=B=2", "--env-file=env/a.env", "summary");
        assertEquals(List.of("A=1", "B=2"), c.items(Settings.ENVIRONMENT));
        assertEquals(List.of(dir.resolve("env/a.env")), c.items(Settings.ENVIRONMENT_FILES));
    }

    @Test
    void profileAndKernelCommandLineExtra() {
        Config c = load("--profile=kernel", "--kernel-command-line-extra=quiet loglevel=3", "summary");
        assertEquals(List.of("kernel"), c.items(Settings.PROFILES));
        assertEquals(List.of("quiet", "loglevel=3"), c.items(Settings.KERNEL_COMMAND_LINE_EXTRA));
    }

    @Test
    void oldQemuFlagsAreTheirSettings() {
        Config c = load("--qemu-mem=4G", "--qemu-smp=3", "--qemu-kvm=no", "--qemu-firmware=linux", "summary");
        assertEquals(4L << 30, c.get(Settings.RAM).bytes());
        assertEquals(3, c.get(Settings.CPUS));
        assertEquals("no", c.get(Settings.KVM));
        assertEquals("linux", c.get(Settings.FIRMWARE));
    }

    @Test
    void shortFlagsOfMkosi() {
        Config c = load("-d", "fedora", "-r", "40", "-t", "tar", "-o", "img", "-O", "out", "-m",
                "https://mirror.example/fedora", "summary");
        assertEquals("fedora", c.distribution());
        assertEquals("40", c.release());
        assertEquals("tar", c.format());
        assertEquals("img", c.get(Settings.OUTPUT));
        assertEquals(dir.resolve("out"), c.outputDirectory());
        assertEquals("https://mirror.example/fedora", c.get(Settings.MIRROR));
    }

    @Test
    void includeShortI() {
        new ConfigTree(dir).file("extra.conf", "[Content]", "Packages=from-include");
        Config c = load("-I", "extra.conf", "summary");
        assertTrue(c.items(Settings.PACKAGES).contains("from-include"));
    }

    @Test
    void qemuArgsValueMayStartWithADash() {
        assertEquals(List.of("-device virtio-rng-pci"),
                parse("--qemu-args=-device virtio-rng-pci", "qemu").overrides().get("QemuArgs"));
        assertEquals(List.of("-s"), parse("--qemu-args", "-s", "qemu").overrides().get("QemuArgs"));
    }

    @Test
    void qemuDoubleDashArgsAreAppendedToQemuArgs() {
        Request r = parse("--qemu-args=-s", "qemu", "--", "-device", "virtio-rng-pci", "-name", "my vm");
        assertEquals(List.of("-s", "-device virtio-rng-pci -name 'my vm'"), r.overrides().get("QemuArgs"));
        Config c = ConfigLoader.load(r.configInput(), java.util.Map.of());
        assertEquals(List.of("-s", "-device", "virtio-rng-pci", "-name", "my vm"), c.items(Settings.QEMU_ARGS));
    }

    @Test
    void shortKAfterBuildIsKernel() {
        Request r = parse("build", "-i", "-k");
        assertTrue(r.incremental());
        assertEquals(List.of("kernel"), r.selectedModules());
    }

    @Test
    void mkosiKernelFormAfterDoubleDash() {
        Request r = parse("build", "--", "-i", "-k");
        assertTrue(r.incremental());
        assertEquals(List.of("kernel"), r.selectedModules());

        Request r2 = parse("build", "--", "-i", "--btrfs-progs", "--kernel");
        assertEquals(List.of("btrfs-progs", "kernel"), r2.selectedModules());
    }

    @Test
    void rerunBuildScriptsIsIncremental() {
        Request r = parse("-R", "build", "--", "-i", "--kernel");
        assertEquals("build", r.verb());
        assertTrue(r.incremental());
        assertEquals(List.of("kernel"), r.selectedModules());
        assertTrue(parse("-R").incremental(), "-R alone: the default verb, build scripts only");
        assertTrue(parse("--rerun-build-scripts", "build").incremental());
        assertFalse(parse("build").incremental());
    }

    @Test
    void wipeBuildDir() {
        assertTrue(parse("-w", "build").wipeBuildDirectory());
        assertTrue(parse("build", "--wipe-build-dir").wipeBuildDirectory());
        assertFalse(parse("build").wipeBuildDirectory());
    }

    @Test
    void unknownWordsAfterBuildDoubleDashAreAUsageError() {
        KimgRun r = KimgRun.in(dir, "build", "--", "-i", "--no-such-module");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--no-such-module"), r.toString());
    }

    @Test
    void missingValueNamesTheFlag() {
        KimgRun r = KimgRun.in(dir, "--ram", "summary");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("--ram"), r.toString());
    }

    @Test
    void autoBumpBuildsTheNextVersionFromMkosiVersion() throws Exception {
        Request first = parse("-B", "build");
        assertTrue(first.autoBump());
        assertEquals(List.of("1"), first.overrides().get("ImageVersion"), "no mkosi.version: 1");

        java.nio.file.Files.writeString(dir.resolve("mkosi.version"), "6.1.9\n");
        assertEquals(List.of("6.1.10"), parse("build", "--auto-bump").overrides().get("ImageVersion"));
        assertEquals("6.1.9", load("summary").get(Settings.IMAGE_VERSION), "mkosi.version is the default");
        assertFalse(parse("-B", "summary").autoBump(), "summary builds nothing, bumps nothing");

        java.nio.file.Files.writeString(dir.resolve("mkosi.version"), "v1-rc\n");
        assertEquals(List.of("v1-rc.2"), parse("-B", "build").overrides().get("ImageVersion"));
    }

    @Test
    void autoBumpWritesTheBuiltVersion() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("mkosi.version"), "41\n");
        Config c = ConfigLoader.load(parse("-B", "summary", "--image-version=42").configInput(), java.util.Map.of());
        kimg.config.ImageVersions.write(c);
        assertEquals("42\n", java.nio.file.Files.readString(dir.resolve("mkosi.version")));
    }
}
