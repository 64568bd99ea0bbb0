package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.image;
import static kimg.vm.VmFixtures.kernel;
import static kimg.vm.VmFixtures.sockets;
import static kimg.vm.VmFixtures.values;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import kimg.Golden;
import kimg.config.Architecture;
import kimg.config.Config;
import kimg.vm.VirtiofsdCommand.Flavour;
import kimg.vm.VirtiofsdCommand.Virtiofsd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generated command line against its golden file, {@code src/test/resources/vm/<case>.argv} (one argument
 * per line; see {@link Golden} for regenerating them).
 */
class GoldenCommandLinesTest {
    static final Virtiofsd C = new Virtiofsd(Path.of("/usr/lib/qemu/virtiofsd"), Flavour.C);
    static final Virtiofsd RUST = new Virtiofsd(Path.of("/usr/libexec/virtiofsd"), Flavour.RUST);

    static Stream<Arguments> cases() {
        return Stream.of(
                golden("qemu-tcg", () -> qemu(config(Map.of()), Accelerator.tcg(), List.of())),
                golden("qemu-kvm", () -> qemu(config(Map.of()), Accelerator.kvm("host"), List.of())),
                golden("qemu-kvm-fallback-cpu", () -> qemu(config(Map.of()), Accelerator.kvm("qemu64"), List.of())),
                golden("qemu-runtime-trees", () -> qemu(config(values(
                        Map.entry("RuntimeTrees", List.of("/home/dev/data", "/home/dev/tools:/opt/tools:ro",
                                "/srv/scratch:ro")))), Accelerator.tcg(), List.of())),
                golden("qemu-runtime-build-sources", () -> qemu(VmFixtures.withModules(config(values(
                        Map.entry("BuildSources", List.of("/home/dev/linux:kernel",
                                "/home/dev/btrfs-progs:btrfs-progs")),
                        Map.entry("RuntimeBuildSources", List.of("true")))), "kernel", "btrfs-progs"),
                        Accelerator.tcg(), List.of())),
                golden("qemu-gdb", () -> qemu(config(values(
                        Map.entry("QemuArgs", List.of("-s", "-S", "-device", "virtio-rng-pci")),
                        Map.entry("GdbPort", List.of("1235")))), Accelerator.tcg(), List.of())),
                golden("qemu-distro-kernel", () -> {
                    Config c = config(Map.of());
                    BootInputs in = BootInputs.from(c, null, VmFixtures.imageWithDistroKernel());
                    return QemuCommand.argv(c, in, Accelerator.tcg(), sockets(in), List.of());
                }),
                golden("qemu-run-command", () -> qemu(config(values(
                        Map.entry("KernelCommandLine", List.of("loglevel=4")),
                        Map.entry("KernelCommandLineExtra", List.of("systemd.unit=rescue.target")),
                        Map.entry("RAM", List.of("512M")),
                        Map.entry("CPUs", List.of("1")))), Accelerator.tcg(), List.of("sh", "-c", "exit 3"))),
                golden("qemu-console-log", () -> {
                    Config c = config(Map.of());
                    BootInputs in = BootInputs.from(c, kernel(), image());
                    return QemuCommand.argv(c, in, Accelerator.tcg(), sockets(in), List.of(),
                            Path.of("/home/dev/project/mkosi.output/logs/20261130-031500-000/03-console.log"));
                }),
                golden("qemu-ssh", () -> qemu(config(values(Map.entry("Ssh", List.of("true")),
                        Map.entry("SshPort", List.of("2022")))), Accelerator.tcg(), List.of())),
                golden("qemu-drives", () -> qemu(config(values(
                        Map.entry("Drives", List.of("test:1G", "scratch:1G", "nvme0:2G::discard=unmap",
                                "shared:512M:/srv/drives::data", "shared2:512M::::persist",
                                "a-very-long-drive-id-here:1M")),
                        Map.entry("QemuArgs", List.of("-device", "nvme,serial=nvme0,drive=nvme0")))),
                        Accelerator.tcg(), List.of())),
                golden("kvm-probe", () -> KvmProbe.argv(Path.of("/tmp/kimg-probe-1.bin"), Accelerator.kvm("host"))),
                golden("virtiofsd-c-root", () -> VirtiofsdCommand.argv(C, rootShare(), sock("root"))),
                golden("virtiofsd-c-build-dir", () -> VirtiofsdCommand.argv(C, buildShare(), sock("build-kernel"))),
                golden("virtiofsd-rust-root", () -> VirtiofsdCommand.argv(RUST, rootShare(), sock("root"))),
                golden("virtiofsd-rust-build-dir",
                        () -> VirtiofsdCommand.argv(RUST, buildShare(), sock("build-kernel"))),
                golden("virtiofsd-c-read-only", () -> VirtiofsdCommand.argv(C, readOnlyShare(), sock("tree0"))),
                golden("virtiofsd-rust-read-only", () -> VirtiofsdCommand.argv(RUST, readOnlyShare(), sock("tree0"))),
                golden("gdb", () -> {
                    BootInputs in = BootInputs.from(config(Map.of()), kernel(), image());
                    return GdbCommand.cmd("gdb", in, 1234, List.of()).argv();
                }),
                // arm64 from an x86-64 host: virt machine, -cpu under TCG, ttyAMA0, the same vhost-user-fs-pci
                // shares, and gdb-multiarch.
                golden("qemu-arm64-tcg", () -> arm64Qemu(arm64(Map.of()), Accelerator.tcg(), List.of("uname", "-m"))),
                golden("qemu-arm64-kvm", () -> arm64Qemu(arm64(Map.of()), Accelerator.kvm("host"), List.of())),
                golden("qemu-arm64-runtime-trees", () -> arm64Qemu(arm64(values(
                        Map.entry("RuntimeTrees", List.of("/home/dev/tools:/opt/tools:ro")))), Accelerator.tcg(),
                        List.of())),
                golden("gdb-arm64", () -> {
                    Config c = arm64(Map.of());
                    BootInputs in = BootInputs.from(c, kernel(Architecture.ARM64), image());
                    return GdbCommand.cmd(Architecture.ARM64.gdb(Architecture.X86_64), in, 1234,
                            List.of("-batch", "-ex", "info registers pc")).argv();
                }),
                golden("decode-stacktrace", () -> DecodeStacktraceCommand.argv(Path.of("/home/dev/linux"),
                        Path.of("/home/dev/project/mkosi.builddir/debian~bookworm~x86-64/kernel/default/vmlinux"))),
                golden("ssh", () -> Ssh.argv(config(values(Map.entry("SshPort", List.of("2022")))),
                        VmFixtures.PROJECT.resolve("mkosi.key"), List.of("uname", "-a"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesGoldenFile(String name, Supplier<List<String>> argv) {
        Golden.assertArgv("vm/" + name + ".argv", argv.get());
    }

    private static Arguments golden(String name, Supplier<List<String>> argv) {
        return Arguments.of(name, argv);
    }

    private static List<String> qemu(Config c, Accelerator accel, List<String> command) {
        BootInputs in = BootInputs.from(c, kernel(), image());
        return QemuCommand.argv(c, in, accel, sockets(in), command);
    }

    private static List<String> arm64Qemu(Config c, Accelerator accel, List<String> command) {
        BootInputs in = BootInputs.from(c, kernel(Architecture.ARM64), image());
        return QemuCommand.argv(c, in, accel, sockets(in), command);
    }

    private static Config arm64(Map<String, List<String>> settings) {
        var values = new java.util.LinkedHashMap<String, List<String>>(settings);
        values.put("Architecture", List.of("arm64"));
        return config(values);
    }

    private static Share rootShare() {
        return new Share("root", VmFixtures.PROJECT.resolve("mkosi.output/image"), "/", false, Share.Cache.AUTO);
    }

    private static Share buildShare() {
        return new Share("build-kernel", VmFixtures.BUILD_ROOT.resolve("kernel"), "/work/build/kernel", false,
                Share.Cache.NEVER);
    }

    private static Share readOnlyShare() {
        return new Share("tree0", Path.of("/home/dev/tools"), "/opt/tools", true, Share.Cache.NEVER);
    }

    private static Path sock(String tag) {
        return Path.of("/tmp/kimg-vm-1/" + tag + ".sock");
    }
}
