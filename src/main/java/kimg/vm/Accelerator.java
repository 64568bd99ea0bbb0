package kimg.vm;

import kimg.config.Architecture;
import kimg.config.Settings;
import kimg.module.KernelDebug;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * How QEMU runs the guest's CPUs: KVM with a CPU model, or TCG (emulation).
 *
 * <p>An openable /dev/kvm does not mean KVM works: on a host that is itself a VM with nested PVM (kvm_pvm),
 * {@code -cpu host} and {@code -cpu max} abort ("failed to set MSR 0x10a") and other models run the firmware but
 * never get a kernel past decompression. So KVM=auto trusts only a short probe boot, whose answer is cached per
 * host (host kernel release, QEMU version, CPU flags).
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
    /** KVM reaches the banner in well under a second; TCG (the control probe) in about two on a busy host. */
    static final long PROBE_SECONDS = 8;
    /** What a kernel prints once it is past decompression and has a console. */
    static final String PROBE_BANNER = "Linux version";

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
     * Honours KVM=yes|no, and for auto probes (once per host) with {@code probeKernel}; warns in one line when it
     * falls back to TCG.
     */
    public static Accelerator choose(Config config, Exec exec, Path probeKernel, Path cacheRoot) {
        return choose(config, exec, probeKernel, cacheRoot, Path.of("/dev/kvm"));
    }

    static Accelerator choose(Config config, Exec exec, Path probeKernel, Path cacheRoot, Path kvm) {
        return choose(config, exec, probeKernel, cacheRoot, kvm, HostFacts.read(Path.of("/")));
    }

    static Accelerator choose(Config config, Exec exec, Path probeKernel, Path cacheRoot, Path kvm, HostFacts facts) {
        Architecture arch = config.architecture();
        if (arch.foreignTo(Architecture.host())) {
            // KVM runs guests of the host's own architecture only: an arm64 guest on x86-64 is emulated.
            if (config.get(Settings.KVM).equals("yes")) {
                exec.console().warn("KVM=yes but KVM cannot run an " + arch + " guest on this "
                        + Architecture.host() + " host: using TCG");
            }
            return tcg();
        }
        switch (config.get(Settings.KVM)) {
            case "no":
                return tcg();
            case "yes":
                return kvm("host");
            default:
                break;
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            exec.console().warn("KVM is not available (" + kvm + " missing or not accessible): using TCG, which is slow");
            return tcg();
        }
        String unusable = facts.whyKvmCannotWork();
        if (unusable != null) {
            exec.console().warn("/dev/kvm opens but " + unusable + ": using TCG, which is slow; KVM=yes forces KVM");
            return tcg();
        }
        Path cached = cacheRoot.resolve("accelerator").resolve(hostKey(arch) + ".txt");
        Accelerator found;
        try {
            found = Files.exists(cached) ? parse(Files.readString(cached)) : null;
        } catch (IOException | IllegalArgumentException e) {
            found = null;
        }
        if (found == null) {
            // A debug kernel (KASAN shadow set-up, lockdep self-tests) takes longer to reach its banner.
            long seconds = PROBE_SECONDS * (KernelDebug.wanted(config) ? KernelDebug.TIMEOUT_FACTOR : 1);
            found = probe(exec, arch, probeKernel, seconds);
            // A kernel that boots nowhere says nothing about KVM: keep "tcg" only if this one boots under TCG.
            if (found.kind() == Kind.KVM || boots(exec, arch, probeKernel, tcg(), seconds)) {
                store(cached, found);
            }
        }
        if (found.kind() == Kind.TCG) {
            exec.console().warn("/dev/kvm opens but no KVM boot worked on this host (cached in " + cached
                    + "): using TCG, which is slow; KVM=yes forces KVM");
        }
        return found;
    }

    private static Accelerator probe(Exec exec, Architecture arch, Path kernel, long seconds) {
        for (String cpu : KVM_CPU_MODELS) {
            if (boots(exec, arch, kernel, kvm(cpu), seconds)) {
                return kvm(cpu);
            }
        }
        return tcg();
    }

    /** Boots the kernel without a root file system: it panics, and panic=-1 with -no-reboot ends QEMU. */
    static List<String> probeArgv(Architecture arch, Path kernel, Accelerator accel) {
        var argv = new java.util.ArrayList<String>(List.of(arch.qemuBinary(), "-nodefaults", "-no-user-config",
                "-display", "none", "-serial", "stdio", "-no-reboot", "-m", "256M"));
        if (arch.qemu().machine() != null) {
            argv.addAll(List.of("-M", arch.qemu().machine()));
        }
        argv.addAll(accel.qemuArgs());
        if (accel.kind() == Kind.TCG && arch.qemu().tcgCpu() != null) {
            argv.addAll(List.of("-cpu", arch.qemu().tcgCpu()));
        }
        argv.addAll(List.of("-kernel", kernel.toString(), "-append",
                "console=" + arch.qemu().console() + " panic=-1 root=/dev/kimg-probe"));
        return argv;
    }

    private static boolean boots(Exec exec, Architecture arch, Path kernel, Accelerator accel, long seconds) {
        var banner = new java.util.concurrent.atomic.AtomicBoolean();
        String step = "accel-probe-" + (accel.cpu() == null ? "tcg" : accel.cpu());
        Exec.Result r = exec.stream(step, Cmd.of(probeArgv(arch, kernel, accel)),
                java.time.Duration.ofSeconds(seconds), line -> {
                    if (line.contains(PROBE_BANNER)) {
                        banner.set(true);
                    }
                });
        return r.exitStatus() == 0 && banner.get();
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
        return kimg.exec.Sha256.of(s);
    }

    /** ~/.cache/kimg (or $XDG_CACHE_HOME/kimg): per-host answers, not per project. */
    public static Path defaultCacheRoot(Map<String, String> env) {
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kimg");
    }
}
