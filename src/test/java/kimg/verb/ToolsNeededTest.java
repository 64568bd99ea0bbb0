package kimg.verb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.host.HostTools.Tool;
import kimg.host.HostTools;
import kimg.manifest.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host tools are declared by each verb and checked before any step; apt runs only when KIMG_INSTALL_TOOLS allows it. */
class ToolsNeededTest {
    @TempDir
    Path dir;

    private static List<String> names(Config config, Verb verb) {
        return verb.prepare(config).tools().stream().map(Tool::name).toList();
    }

    private static BuildVerb build() {
        return new BuildVerb(BuildOptions.defaults(), false, false);
    }

    /** A last build whose image tree exists, with a distribution kernel (something to boot or attach to). */
    private void lastBuild(Config config) throws Exception {
        Path root = Files.createDirectories(config.outputDirectory().resolve("image"));
        Files.writeString(root.resolve("vmlinuz-6.1.0-13-amd64"), "");
        new Manifest("0", "now", "debian", "bookworm", "x86-64", null, new Manifest.Image("directory",
                root.toString(), null, "k", false, root.resolve("vmlinuz-6.1.0-13-amd64").toString(), null),
                List.of(), Map.of()).write(config.outputDirectory());
    }

    @Test
    void eachVerbNeedsItsOwnTools() throws Exception {
        Config plain = Config.ofValues(dir, Map.of("Packages", List.of("linux-image-amd64")));
        assertEquals(List.of(), names(plain, new SummaryVerb(BuildOptions.defaults(), false, false)));
        assertEquals(List.of(), names(plain, new CatConfigVerb()));
        assertEquals(List.of(), names(plain, new CleanVerb(2)));
        assertEquals(List.of("ssh-keygen"), names(plain, new GenkeyVerb()));
        assertTrue(names(plain, build()).contains("mmdebstrap"), names(plain, build()).toString());
        assertFalse(names(plain, build()).contains("make"), "no kernel source, no kernel toolchain");
        // No earlier build: qemu builds first, so it needs the build's tools and QEMU's; ssh has nothing to attach to.
        var qemu = new QemuVerb(BuildOptions.defaults(), false);
        assertTrue(names(plain, qemu).containsAll(List.of("mmdebstrap", "qemu-system-x86_64", "virtiofsd")));
        assertThrows(ConfigError.class, () -> new SshVerb(0, List.of()).prepare(plain));
        lastBuild(plain);
        assertEquals(List.of("ssh"), names(plain, new SshVerb(0, List.of())));
        assertEquals(List.of("gdb"), names(plain, new GdbVerb(0, List.of())));
        // Booting what exists (--no-build): no build tools.
        assertEquals(List.of("qemu-system-x86_64", "virtiofsd"),
                names(plain, new QemuVerb(BuildOptions.defaults(), true)));
        assertTrue(names(plain, new QemuVerb(new BuildOptions(false, List.of(), null, 1, 1), false))
                .contains("mmdebstrap"), "-f builds first");
    }

    @Test
    void theFormatAndSettingsAddTheirTools() {
        assertTrue(names(Config.ofValues(dir, Map.of("Format", List.of("cpio"))), build()).contains("cpio"));
        assertTrue(names(Config.ofValues(dir, Map.of("Format", List.of("disk"))), build()).contains("systemd-repart"));
        assertTrue(names(Config.ofValues(dir, Map.of("Ssh", List.of("true"))), build()).contains("ssh-keygen"));
        assertEquals(List.of(), names(Config.ofValues(dir, Map.of("Format", List.of("none"))), build()));
        assertTrue(names(Config.ofValues(dir, Map.of("Distribution", List.of("fedora"))), build()).contains("dnf"));
    }

    @Test
    void anArm64ImageNeedsTheCrossToolchainQemuUserAndItsQemuAndGdb() throws Exception {
        Files.createDirectories(dir.resolve("linux/scripts/kconfig"));
        Files.writeString(dir.resolve("linux/Makefile"), "");
        // BuildVerb checks the kernel tree and its config before naming tools (Planner.checkBeforeBuild).
        Files.writeString(dir.resolve("mkosi.kernel.config"), "CONFIG_64BIT=y\n");
        Config arm64 = Config.ofValues(dir, Map.of("Architecture", List.of("arm64"),
                "BuildSources", List.of(dir.resolve("linux") + ":kernel")));
        List<String> build = names(arm64, build());
        assertTrue(build.containsAll(List.of("make", "aarch64-linux-gnu-gcc", "mmdebstrap", "arch-test",
                "qemu-aarch64-static")), build.toString());
        assertTrue(ToolsNeeded.qemu(arm64).stream().map(Tool::name).toList().contains("qemu-system-aarch64"));
        assertEquals(List.of("gdb-multiarch"), ToolsNeeded.gdb(arm64).stream().map(Tool::name).toList());
        // clang targets every architecture: no cross gcc with LLVM=1.
        Config llvm = Config.ofValues(dir, Map.of("Architecture", List.of("arm64"), "Environment", List.of("LLVM=1"),
                "BuildSources", List.of(dir.resolve("linux") + ":kernel")));
        assertFalse(names(llvm, build()).contains("aarch64-linux-gnu-gcc"));
        assertTrue(names(llvm, build()).containsAll(List.of("clang", "ld.lld", "llvm-ar")), names(llvm, build())
                .toString());
        assertEquals(List.of("clang-15", "ld.lld-15", "llvm-ar-15"),
                ToolsNeeded.llvm("-15").stream().map(Tool::name).toList());
        assertEquals(List.of("lld-15"), ToolsNeeded.llvm("-15").stream().map(Tool::debianPackage)
                .filter(p -> p.startsWith("lld")).toList());
        assertEquals(List.of(), ToolsNeeded.llvm("/opt/llvm/bin/"));
        assertFalse(names(Config.ofValues(dir, Map.of()), build()).contains("arch-test"), "x86-64 needs none");
    }

    @Test
    void aMissingToolStopsTheVerbInOneLineNamingItsPackage() {
        List<Tool> needed = List.of(Tool.command("sh", "dash"), Tool.command("kimg-no-such-tool", "kimg-no-such-pkg"),
                Tool.file("another", "other-pkg", "/nonexistent/kimg/another"));
        var e = assertThrows(ConfigError.class,
                () -> ToolsNeeded.check("build", needed, Map.of(), null));
        assertEquals("missing host tools for kimg build: kimg-no-such-tool, another (apt-get install kimg-no-such-pkg"
                + " other-pkg, or set KIMG_INSTALL_TOOLS=1 to let kimg do it)", e.getMessage());
        assertThrows(ConfigError.class, () -> ToolsNeeded.check("build", needed, Map.of("KIMG_INSTALL_TOOLS", "0"), null));
        // All present: nothing to do, nothing installed.
        ToolsNeeded.check("build", List.of(Tool.command("sh", "dash")), Map.of("KIMG_INSTALL_TOOLS", "1"), null);
    }

    @Test
    void installingIsOptIn() {
        assertFalse(HostTools.installAllowed(Map.of()));
        assertFalse(HostTools.installAllowed(Map.of("KIMG_INSTALL_TOOLS", "0")));
        assertFalse(HostTools.installAllowed(Map.of("KIMG_INSTALL_TOOLS", "no")));
        assertTrue(HostTools.installAllowed(Map.of("KIMG_INSTALL_TOOLS", "1")));
        assertTrue(HostTools.installAllowed(Map.of("KIMG_INSTALL_TOOLS", "yes")));
        // Surefire sets it to 0, so no unit test can run apt.
        assertFalse(HostTools.installAllowed(System.getenv()));
    }

    @Test
    void theCliExitsTwoBeforeAnyStepWhenAToolIsMissing() throws Exception {
        // A real kimg process whose PATH holds no tools: build needs mmdebstrap and must stop at once, before
        // any step (no log directory), in one line naming the tool and its package.
        Path emptyPath = Files.createDirectories(dir.resolve("empty-path"));
        Path project = Files.createDirectories(dir.resolve("project"));
        var pb = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), "kimg.Main", "-C", project.toString(), "build")
                .redirectErrorStream(true);
        pb.environment().put("PATH", emptyPath.toString());
        pb.environment().put("KIMG_INSTALL_TOOLS", "0");
        pb.environment().remove("CI");
        long start = System.nanoTime();
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.waitFor(), output);
        assertEquals("kimg: error: missing host tools for kimg build: mmdebstrap (apt-get install mmdebstrap, or set"
                + " KIMG_INSTALL_TOOLS=1 to let kimg do it)", output.strip());
        assertFalse(Files.exists(project.resolve("mkosi.output/logs")), "no step ran");
        assertTrue(System.nanoTime() - start < 10_000_000_000L);
    }
}
