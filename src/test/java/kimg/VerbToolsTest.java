package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Request;
import kimg.exec.HostTools;
import kimg.exec.HostTools.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host tools are checked per verb before any step; apt runs only when KIMG_INSTALL_TOOLS allows it. */
class VerbToolsTest {
    @TempDir
    Path dir;

    private List<String> names(Config config, String verb) {
        return VerbTools.needed(config, Request.of(verb, dir)).stream().map(Tool::name).toList();
    }

    @Test
    void eachVerbNeedsItsOwnTools() {
        Config plain = Config.ofValues(dir, Map.of());
        assertEquals(List.of("ssh"), names(plain, "ssh"));
        assertEquals(List.of("gdb"), names(plain, "gdb"));
        assertEquals(List.of(), names(plain, "summary"));
        assertEquals(List.of(), names(plain, "clean"));
        assertTrue(names(plain, "build").contains("mmdebstrap"), names(plain, "build").toString());
        assertFalse(names(plain, "build").contains("make"), "no kernel source, no kernel toolchain");
        // No earlier build: qemu builds first, so it needs the build's tools and QEMU's.
        assertTrue(names(plain, "qemu").containsAll(List.of("mmdebstrap", "qemu-system-x86_64", "virtiofsd")));
    }

    @Test
    void theFormatAndSettingsAddTheirTools() {
        assertTrue(names(Config.ofValues(dir, Map.of("Format", List.of("cpio"))), "build").contains("cpio"));
        assertTrue(names(Config.ofValues(dir, Map.of("Format", List.of("disk"))), "build").contains("systemd-repart"));
        assertTrue(names(Config.ofValues(dir, Map.of("Ssh", List.of("true"))), "build").contains("ssh-keygen"));
        assertEquals(List.of(), names(Config.ofValues(dir, Map.of("Format", List.of("none"))), "build"));
        assertTrue(names(Config.ofValues(dir, Map.of("Distribution", List.of("fedora"))), "build").contains("dnf"));
    }

    @Test
    void anArm64ImageNeedsTheCrossToolchainQemuUserAndItsQemuAndGdb() throws Exception {
        Files.createDirectories(dir.resolve("linux/scripts/kconfig"));
        Files.writeString(dir.resolve("linux/Makefile"), "");
        Config arm64 = Config.ofValues(dir, Map.of("Architecture", List.of("arm64"),
                "BuildSources", List.of(dir.resolve("linux") + ":kernel")));
        List<String> build = names(arm64, "build");
        assertTrue(build.containsAll(List.of("make", "aarch64-linux-gnu-gcc", "mmdebstrap", "arch-test",
                "qemu-aarch64-static")), build.toString());
        assertTrue(names(arm64, "qemu").contains("qemu-system-aarch64"));
        assertEquals(List.of("gdb-multiarch"), names(arm64, "gdb"));
        // clang targets every architecture: no cross gcc with LLVM=1.
        Config llvm = Config.ofValues(dir, Map.of("Architecture", List.of("arm64"), "Environment", List.of("LLVM=1"),
                "BuildSources", List.of(dir.resolve("linux") + ":kernel")));
        assertFalse(names(llvm, "build").contains("aarch64-linux-gnu-gcc"));
        assertFalse(names(Config.ofValues(dir, Map.of()), "build").contains("arch-test"), "x86-64 needs none");
    }

    @Test
    void aMissingToolStopsTheVerbInOneLineNamingItsPackage() {
        List<Tool> needed = List.of(Tool.command("sh", "dash"), Tool.command("kimg-no-such-tool", "kimg-no-such-pkg"),
                Tool.file("another", "other-pkg", "/nonexistent/kimg/another"));
        var e = assertThrows(ConfigError.class,
                () -> VerbTools.check("build", needed, Map.of(), null));
        assertEquals("missing host tools for kimg build: kimg-no-such-tool, another (apt-get install kimg-no-such-pkg"
                + " other-pkg, or set KIMG_INSTALL_TOOLS=1 to let kimg do it)", e.getMessage());
        assertThrows(ConfigError.class, () -> VerbTools.check("build", needed, Map.of("KIMG_INSTALL_TOOLS", "0"), null));
        // All present: nothing to do, nothing installed.
        VerbTools.check("build", List.of(Tool.command("sh", "dash")), Map.of("KIMG_INSTALL_TOOLS", "1"), null);
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
