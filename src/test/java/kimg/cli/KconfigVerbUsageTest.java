package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kimg kconfig's usage errors: exit 2 with one line, before anything is configured. */
class KconfigVerbUsageTest {
    private static void assertUsage(KimgRun r, String text) {
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains(text), r.toString());
    }

    @Test
    void menuconfigWithoutATerminalIsRefused(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mkosi.conf"), "[Output]\nFormat=directory\n");
        // Tests run without a terminal: System.console() is null.
        assertUsage(KimgRun.in(dir, "kconfig", "menuconfig"), "needs a terminal");
        assertUsage(KimgRun.in(dir, "kconfig", "nconfig"), "needs a terminal");
        assertTrue(!Files.exists(dir.resolve("mkosi.builddir")), "nothing was configured");
    }

    @Test
    void badRequestsAreUsageErrors(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mkosi.conf"), "[Output]\nFormat=directory\n");
        assertUsage(KimgRun.in(dir, "kconfig"), "needs menuconfig, nconfig or --set");
        assertUsage(KimgRun.in(dir, "kconfig", "xconfig"), "needs menuconfig, nconfig or --set");
        assertUsage(KimgRun.in(dir, "kconfig", "menuconfig", "--set", "CONFIG_A=y"), "not both");
        assertUsage(KimgRun.in(dir, "kconfig", "--set", "CONFIG_A=maybe"), "expected CONFIG_NAME=VALUE");
        assertUsage(KimgRun.in(dir, "kconfig", "--set", "CONFIG_A=\"x\\\"; reboot\""), "expected CONFIG_NAME=VALUE");
    }
}
