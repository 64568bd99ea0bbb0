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

    /** A host where only a probe can tell (vmx or svm, no PVM). */
    private static final HostFacts KVM_CAPABLE = new HostFacts(false, true);

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
        Path cached = tmp.resolve("cache/accelerator").resolve(Accelerator.hostKey(kimg.config.Architecture.X86_64) + ".txt");
        Files.createDirectories(cached.getParent());
        Files.writeString(cached, "kvm qemu64\n");
        // The probe kernel does not exist: a probe would fail, so KVM can only come from the cache.
        var a = Accelerator.choose(config(Map.of()), exec(), Path.of("/nonexistent"), tmp.resolve("cache"), kvm,
                KVM_CAPABLE);
        assertEquals(Accelerator.kvm("qemu64"), a);
    }

    @Test
    void aKernelThatBootsNowhereFallsBackToTcgWithoutCachingIt() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        // QEMU cannot load a missing kernel: every KVM candidate fails fast, and so does the TCG control probe.
        var a = Accelerator.choose(config(Map.of()), exec(), tmp.resolve("no-such-bzImage"), tmp.resolve("cache"), kvm,
                KVM_CAPABLE);
        assertEquals(Accelerator.tcg(), a);
        assertTrue(messages.toString().contains("warning: /dev/kvm opens but no KVM boot worked"), messages.toString());
        assertFalse(Files.exists(tmp.resolve("cache/accelerator").resolve(Accelerator.hostKey(kimg.config.Architecture.X86_64) + ".txt")),
                "a broken kernel must not decide the host's accelerator");
    }

    @Test
    void aForeignGuestIsEmulatedWithoutAProbeAndKvmYesSaysWhy() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        kimg.config.Architecture foreign = kimg.config.Architecture.host() == kimg.config.Architecture.ARM64
                ? kimg.config.Architecture.X86_64 : kimg.config.Architecture.ARM64;
        var auto = Accelerator.choose(config(Map.of("Architecture", List.of(foreign.toString()))), exec(),
                Path.of("/nonexistent"), tmp.resolve("cache"), kvm, KVM_CAPABLE);
        assertEquals(Accelerator.tcg(), auto);
        assertEquals("", messages.toString());
        var forced = Accelerator.choose(config(Map.of("Architecture", List.of(foreign.toString()),
                "KVM", List.of("yes"))), exec(), Path.of("/nonexistent"), tmp.resolve("cache"), kvm, KVM_CAPABLE);
        assertEquals(Accelerator.tcg(), forced);
        assertTrue(messages.toString().contains("KVM cannot run an " + foreign + " guest"), messages.toString());
        assertFalse(Files.exists(tmp.resolve("cache/accelerator")), "no probe, nothing cached");
    }

    @Test
    void cacheLivesUnderXdgCacheHome() {
        assertEquals(Path.of("/x/kimg"), Accelerator.defaultCacheRoot(Map.of("XDG_CACHE_HOME", "/x")));
    }

    @Test
    void nestedPvmOrNoVirtualisationFlagsMeanTcgAtOnceWithoutAProbeOrACacheEntry() throws Exception {
        Path kvm = Files.createFile(tmp.resolve("kvm"));
        for (HostFacts facts : List.of(new HostFacts(true, false), new HostFacts(true, true),
                new HostFacts(false, false))) {
            messages.reset();
            long start = System.nanoTime();
            var a = Accelerator.choose(config(Map.of()), exec(), Path.of("/nonexistent"), tmp.resolve("cache"), kvm,
                    facts);
            assertEquals(Accelerator.tcg(), a);
            assertTrue((System.nanoTime() - start) / 1_000_000 < 500, "no probe boot");
            assertEquals(1, messages.toString().lines().count(), messages.toString());
            assertTrue(messages.toString().contains(facts.pvm() ? "kvm_pvm" : "neither vmx nor svm"),
                    messages.toString());
        }
        assertFalse(Files.exists(tmp.resolve("cache/accelerator")), "facts are read again each time, never cached");
        assertFalse(Files.exists(tmp.resolve("logs")) && tmp.resolve("logs").toFile().list().length > 0,
                "no process was started");
    }

    @Test
    void hostFactsComeFromSysModuleAndCpuinfo() throws Exception {
        Files.createDirectories(tmp.resolve("proc"));
        Files.writeString(tmp.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: fpu vme svm sse\n");
        assertEquals(new HostFacts(false, true), HostFacts.read(tmp));
        Files.createDirectories(tmp.resolve("sys/module/kvm_pvm"));
        Files.writeString(tmp.resolve("proc/cpuinfo"), "processor\t: 0\nflags\t\t: fpu vme hypervisor vmxx\n");
        assertEquals(new HostFacts(true, false), HostFacts.read(tmp));
    }

    @Test
    void theHostKeyStartsNoProcess() {
        Accelerator.hostKey(kimg.config.Architecture.X86_64);
        assertFalse(Files.exists(tmp.resolve("logs")) && tmp.resolve("logs").toFile().list().length > 0);
    }
}
