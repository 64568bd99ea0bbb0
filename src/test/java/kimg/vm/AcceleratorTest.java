package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AcceleratorTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream messages = new ByteArrayOutputStream();

    private Exec exec() {
        return new Exec(new StepLogs(tmp.resolve("logs")), Console.plain(new PrintStream(messages, true)));
    }

    @Test
    void kvmUsesTheChosenCpuModelAndTcgNone() {
        assertEquals(List.of("-accel", "kvm", "-cpu", "host"), Accelerator.kvm("host").qemuArgs());
        assertEquals(List.of("-accel", "tcg"), Accelerator.tcg().qemuArgs());
    }

    @Test
    void cachedAnswerRoundTrips() {
        for (Accelerator a : List.of(Accelerator.kvm("qemu64"), Accelerator.tcg())) {
            assertEquals(a, Accelerator.parse(a.text()));
        }
    }

    @Test
    void kvmNoForcesTcgWithoutProbing() {
        var a = Accelerator.choose(config(values(Map.entry("KVM", List.of("no")))), exec(), Path.of("/nonexistent"),
                tmp, tmp.resolve("kvm"));
        assertEquals(Accelerator.tcg(), a);
        assertEquals("", messages.toString());
    }

    @Test
    void kvmYesForcesKvmWithoutProbing() {
        var a = Accelerator.choose(config(values(Map.entry("KVM", List.of("yes")))), exec(), Path.of("/nonexistent"),
                tmp, tmp.resolve("kvm"));
        assertEquals(Accelerator.kvm("host"), a);
    }

    @Test
    void autoWithoutDevKvmFallsBackToTcgWithAOneLineWarning() {
        var a = Accelerator.choose(config(Map.of()), exec(), Path.of("/nonexistent"), tmp, tmp.resolve("kvm"));
        assertEquals(Accelerator.tcg(), a);
        assertEquals(1, messages.toString().lines().count(), messages.toString());
        assertTrue(messages.toString().startsWith("warning: KVM is not available"));
    }

    @Test
    void autoTrustsThePerHostCachedProbeAnswer() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        Path cached = tmp.resolve("cache/accelerator").resolve(Accelerator.hostKey(exec()) + ".txt");
        Files.createDirectories(cached.getParent());
        Files.writeString(cached, "kvm qemu64\n");
        // The probe kernel does not exist: a probe would fail, so KVM can only come from the cache.
        var a = Accelerator.choose(config(Map.of()), exec(), Path.of("/nonexistent"), tmp.resolve("cache"), kvm);
        assertEquals(Accelerator.kvm("qemu64"), a);
    }

    @Test
    void aKernelThatBootsNowhereFallsBackToTcgWithoutCachingIt() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        // QEMU cannot load a missing kernel: every KVM candidate fails fast, and so does the TCG control probe.
        var a = Accelerator.choose(config(Map.of()), exec(), tmp.resolve("no-such-bzImage"), tmp.resolve("cache"), kvm);
        assertEquals(Accelerator.tcg(), a);
        assertTrue(messages.toString().contains("warning: /dev/kvm opens but no KVM boot worked"), messages.toString());
        assertFalse(Files.exists(tmp.resolve("cache/accelerator").resolve(Accelerator.hostKey(exec()) + ".txt")),
                "a broken kernel must not decide the host's accelerator");
    }

    @Test
    void cacheLivesUnderXdgCacheHome() {
        assertEquals(Path.of("/x/kimg"), Accelerator.defaultCacheRoot(Map.of("XDG_CACHE_HOME", "/x")));
    }
}
