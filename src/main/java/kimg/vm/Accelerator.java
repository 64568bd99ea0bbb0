package kimg.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Architecture;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.exec.Exec;

/**
 * How QEMU runs the guest's CPUs: KVM with a CPU model, or TCG (emulation).
 *
 * <p>An openable /dev/kvm does not mean KVM works: on a host that is itself a VM with nested PVM (kvm_pvm),
 * {@code -cpu host} and {@code -cpu max} abort ("failed to set MSR 0x10a") and other models run the firmware but
 * never get a kernel past decompression. So KVM=auto decides from files first ({@link #decide}: /dev/kvm opens,
 * {@link HostFacts}), and only where they allow KVM runs {@link KvmProbe} (about 0.1 s per CPU model), whose
 * answer is cached per host (host kernel release, QEMU binary, CPU flags).
 *
 * @param cpu the -cpu model under KVM; null under TCG (QEMU's default model)
 */
public record Accelerator(Kind kind, String cpu) {
    public enum Kind {
        KVM,
        TCG
    }

    /** CPU models tried under KVM, best first. */
    static final List<String> KVM_CPU_MODELS = List.of("host", "qemu64");

    public static Accelerator kvm(String cpu) {
        return new Accelerator(Kind.KVM, cpu);
    }

    public static Accelerator tcg() {
        return new Accelerator(Kind.TCG, null);
    }

    public List<String> qemuArgs() {
        return kind == Kind.KVM ? List.of("-accel", "kvm", "-cpu", cpu) : List.of("-accel", "tcg");
    }

    /** The cache file's text: {@code kvm MODEL} or {@code tcg}. */
    String text() {
        return kind == Kind.KVM ? "kvm " + cpu : "tcg";
    }

    static Accelerator parse(String text) {
        String t = text.strip();
        if (t.startsWith("kvm ")) {
            return kvm(t.substring(4));
        }
        if (t.equals("tcg")) {
            return tcg();
        }
        throw new IllegalArgumentException("not an accelerator: " + text);
    }

    /**
     * What KVM=auto concludes from files alone: an accelerator (with the warning to print, or null), or
     * {@code accelerator == null} when only a probe can tell.
     */
    record Verdict(Accelerator accelerator, String warning) {
        static final Verdict PROBE = new Verdict(null, null);
    }

    /**
     * The decision table, before any process runs. KVM=no: TCG. KVM=yes: KVM with {@code -cpu host}. KVM=auto:
     * TCG with a warning when /dev/kvm does not open read-write, or when it opens but {@link HostFacts} say a
     * normal kernel cannot run under it (kvm_pvm; no vmx/svm); otherwise a probe decides.
     *
     * @param kvmSetting     the KVM= value: yes, no or auto
     * @param kvmOpens       /dev/kvm opened read-write
     * @param facts          the host's facts
     * @param kvm            the device's path, for the warning
     */
    static Verdict decide(String kvmSetting, boolean kvmOpens, HostFacts facts, Path kvm) {
        switch (kvmSetting) {
            case "no":
                return new Verdict(tcg(), null);
            case "yes":
                return new Verdict(kvm("host"), null);
            default:
                break;
        }
        if (!kvmOpens) {
            return new Verdict(tcg(), "KVM is not available (" + kvm
                    + " missing or cannot be opened read-write): using TCG, which is slow");
        }
        String unusable = facts.whyKvmCannotWork();
        if (unusable != null) {
            return new Verdict(tcg(), "/dev/kvm opens but " + unusable + ": using TCG, which is slow; KVM=yes forces KVM");
        }
        return Verdict.PROBE;
    }

    /**
     * Honours KVM=yes|no; for auto decides from files ({@link #decide}) and, where they allow KVM, from the
     * per-host cached answer of {@link KvmProbe} (run now if there is none). Warns in one line when it falls back
     * to TCG.
     */
    public static Accelerator choose(Config config, Exec exec, Path cacheRoot) {
        return choose(config, exec, cacheRoot, Path.of("/dev/kvm"), HostFacts.read(Path.of("/")));
    }

    static Accelerator choose(Config config, Exec exec, Path cacheRoot, Path kvm, HostFacts facts) {
        Architecture arch = config.architecture();
        if (arch.foreignTo(Architecture.host())) {
            // KVM runs guests of the host's own architecture only: an arm64 guest on x86-64 is emulated.
            if (config.get(Settings.KVM).equals("yes")) {
                exec.console().warn("KVM=yes but KVM cannot run an " + arch + " guest on this "
                        + Architecture.host() + " host: using TCG");
            }
            return tcg();
        }
        String setting = config.get(Settings.KVM);
        Verdict verdict = decide(setting, !setting.equals("auto") || opens(kvm), facts, kvm);
        if (verdict.accelerator() != null) {
            if (verdict.warning() != null) {
                exec.console().warn(verdict.warning());
            }
            return verdict.accelerator();
        }
        Path cached = cacheRoot.resolve("accelerator").resolve(hostKey(arch) + ".txt");
        Accelerator found;
        try {
            found = Files.exists(cached) ? parse(Files.readString(cached)) : null;
        } catch (IOException | IllegalArgumentException e) {
            found = null;
        }
        if (found == null) {
            found = probe(exec);
            // A probe that runs nowhere (a QEMU without isa-debug-exit, say) says nothing about KVM: keep "tcg"
            // only if the same firmware runs under TCG.
            if (found.kind() == Kind.KVM || KvmProbe.runs(exec, tcg())) {
                store(cached, found);
            }
        }
        if (found.kind() == Kind.TCG) {
            exec.console().warn("/dev/kvm opens but QEMU could not run a guest under KVM on this host (cached in "
                    + cached + "): using TCG, which is slow; KVM=yes forces KVM");
        }
        return found;
    }

    /** Opens {@code kvm} read-write and closes it: the device answers only if its module is loaded. */
    static boolean opens(Path kvm) {
        try (var ignored = java.nio.channels.FileChannel.open(kvm, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    private static Accelerator probe(Exec exec) {
        for (String cpu : KVM_CPU_MODELS) {
            if (KvmProbe.runs(exec, kvm(cpu))) {
                return kvm(cpu);
            }
        }
        return tcg();
    }

    private static void store(Path cached, Accelerator found) {
        BinaryStamp.writeAtomically(cached, found.text() + "\n");
    }

    /**
     * Host kernel release + QEMU binary (path, size, mtime: an upgrade changes them, and reading them costs no
     * process start on every boot) + CPU flags: what decides whether KVM works.
     */
    static String hostKey(Architecture arch) {
        String qemu = BinaryStamp.onPath(arch.qemuBinary(), System.getenv("PATH"))
                .map(BinaryStamp::of).orElse("?");
        String release = read("/proc/sys/kernel/osrelease");
        String flags = read("/proc/cpuinfo").lines().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        return sha256(release + "\n" + qemu + "\n" + flags).substring(0, 16);
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            return "";
        }
    }

    static String sha256(String s) {
        return kimg.fs.Sha256.of(s);
    }

    /** ~/.cache/kimg (or $XDG_CACHE_HOME/kimg): per-host answers, not per project. */
    public static Path defaultCacheRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kimg");
    }
}
