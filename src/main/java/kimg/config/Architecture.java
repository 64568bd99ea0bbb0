package kimg.config;

import java.util.Locale;
import java.util.Optional;

/**
 * One row per architecture mkosi v26 knows: everything kimg needs to build a kernel for it, name its packages
 * and boot it. A null column means kimg has no support for that part on this architecture; the setting still
 * takes the value (for [Match] and {@code summary}), and {@code build} or a boot verb refuse it up front.
 *
 * <p>Sources of the columns: kbuild's {@code ARCH=} and image targets (arch/*&#47;Makefile), Debian's and RPM's
 * architecture names, QEMU's system emulator names (mkosi's {@code to_qemu}), the serial console the kernel
 * names for the machine QEMU emulates, and UEFI support (mkosi's {@code to_efi}, used by {@code [Match]
 * Architecture=uefi}).
 */
public enum Architecture {
    ALPHA("alpha", null, null, null, null, "alpha", null, "alpha", false),
    ARC("arc", null, null, null, null, null, null, null, false),
    ARM("arm", null, null, null, "armhf", "armv7hl", null, "arm", true),
    // -cpu max under TCG emulates pointer authentication with QARMA, the slowest part of it; pauth-impdef=on
    // (QEMU >= 6.0) uses a cheap implementation-defined algorithm instead (a KASAN test ran 6x faster with it).
    ARM64("arm64", "arm64", "Image", "aarch64-linux-gnu-", "arm64", "aarch64",
            new Qemu("virt", "max,pauth-impdef=on", "ttyAMA0"), "aarch64", true),
    IA64("ia64", null, null, null, "ia64", "ia64", null, null, false),
    LOONGARCH64("loongarch64", null, null, null, "loong64", "loongarch64", null, "loongarch64", true),
    MIPS_LE("mips-le", null, null, null, "mipsel", "mipsel", null, "mips", false),
    MIPS64_LE("mips64-le", null, null, null, "mips64el", "mips64el", null, "mips", false),
    PARISC("parisc", null, null, null, "hppa", null, null, "hppa", false),
    PPC("ppc", null, null, null, "powerpc", "ppc", null, "ppc", false),
    PPC64("ppc64", null, null, null, "ppc64", "ppc64", null, "ppc64", false),
    PPC64_LE("ppc64-le", null, null, null, "ppc64el", "ppc64le", null, "ppc64", false),
    RISCV32("riscv32", null, null, null, null, null, null, "riscv32", true),
    RISCV64("riscv64", null, null, null, "riscv64", "riscv64", null, "riscv64", true),
    S390("s390", null, null, null, "s390", "s390", null, null, false),
    S390X("s390x", null, null, null, "s390x", "s390x", null, "s390x", false),
    TILEGX("tilegx", null, null, null, null, null, null, null, false),
    X86("x86", null, null, null, "i386", "i686", null, "i386", true),
    // QEMU's defaults (machine pc, CPU qemu64 under TCG) boot it: no -M, no -cpu under TCG.
    X86_64("x86-64", "x86", "bzImage", "x86_64-linux-gnu-", "amd64", "x86_64", new Qemu(null, null, "ttyS0"),
            "x86_64", true);

    /**
     * How QEMU boots this architecture: the machine type ({@code -M}; null: QEMU's default), the CPU model under
     * TCG ({@code -cpu}; null: QEMU's default; under KVM it is always the host's), and the serial console's
     * device name in the guest ({@code console=}). Only architectures kimg boots have one.
     */
    public record Qemu(String machine, String tcgCpu, String console) {}

    private final String text;
    private final String kbuildArch;
    private final String imageTarget;
    private final String crossCompilePrefix;
    private final String debName;
    private final String rpmName;
    private final Qemu qemu;
    private final String qemuName;
    private final boolean uefi;

    Architecture(String text, String kbuildArch, String imageTarget, String crossCompilePrefix, String debName,
            String rpmName, Qemu qemu, String qemuName, boolean uefi) {
        this.text = text;
        this.kbuildArch = kbuildArch;
        this.imageTarget = imageTarget;
        this.crossCompilePrefix = crossCompilePrefix;
        this.debName = debName;
        this.rpmName = rpmName;
        this.qemu = qemu;
        this.qemuName = qemuName;
        this.uefi = uefi;
    }

    /** mkosi's spelling (x86-64, arm64, ppc64-le, ...), case-insensitive. */
    public static Optional<Architecture> of(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.text.equals(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The architecture kimg runs on, from the JVM's os.arch (amd64, aarch64). */
    public static Architecture host() {
        String os = System.getProperty("os.arch");
        return os.equals("aarch64") || os.equals("arm64") ? ARM64 : X86_64;
    }

    /** kimg builds a kernel for it (kbuild ARCH, image target and cross compiler known). */
    public boolean kernelBuildable() {
        return kbuildArch != null && debName != null;
    }

    /**
     * kimg boots it in QEMU (direct kernel boot, root on VirtioFS over vhost-user-fs-pci): it has a row's QEMU
     * machine and console, x86-64 and arm64 (whose virt machine has a PCI host bridge, so the same devices work).
     */
    public boolean bootable() {
        return qemu != null && kernelBuildable();
    }

    /** Whether the kernel is cross-compiled and foreign binaries run under qemu-user on {@code host}. */
    public boolean foreignTo(Architecture host) {
        return this != host;
    }

    /** kbuild's {@code ARCH=} (x86, arm64); null when kimg cannot build a kernel for it. */
    public String kbuildArch() {
        return kbuildArch;
    }

    /** The make target of the bootable image (bzImage, Image). */
    public String imageTarget() {
        return imageTarget;
    }

    /** The image's path relative to the kernel build directory. */
    public String imagePath() {
        return imageTarget == null ? null : "arch/" + kbuildArch + "/boot/" + imageTarget;
    }

    /** The GNU toolchain prefix ({@code aarch64-linux-gnu-}) for CROSS_COMPILE= and the guest init's gcc. */
    public String crossCompilePrefix() {
        return crossCompilePrefix;
    }

    /** The gcc that builds programs for it on {@code host}: gcc itself, or the cross gcc (aarch64-linux-gnu-gcc). */
    public String gcc(Architecture host) {
        return foreignTo(host) ? crossCompilePrefix + "gcc" : "gcc";
    }

    /** Debian's package of {@link #gcc}: gcc, or gcc-aarch64-linux-gnu (the prefix without its dash, _ as -). */
    public String gccPackage(Architecture host) {
        return foreignTo(host)
                ? "gcc-" + crossCompilePrefix.substring(0, crossCompilePrefix.length() - 1).replace('_', '-')
                : "gcc";
    }

    /** The gdb that debugs its kernel on {@code host}: gdb, or gdb-multiarch (Debian's gdb knows only the host). */
    public String gdb(Architecture host) {
        return foreignTo(host) ? "gdb-multiarch" : "gdb";
    }

    /**
     * The binfmt_misc entry qemu-user-static registers for it ({@code /proc/sys/fs/binfmt_misc/qemu-aarch64}):
     * what lets mmdebstrap run its maintainer scripts and bwrap its chroot scripts on a foreign host.
     */
    public String binfmtEntry() {
        return qemuName == null ? null : "qemu-" + qemuName;
    }

    /** Its own kernel config name, tried before mkosi.kernel.config: {@code mkosi.kernel.arm64.config}. */
    public String kernelConfigName() {
        return "mkosi.kernel." + text + ".config";
    }

    /** The name Debian and Ubuntu give it (dpkg --print-architecture). */
    public String debName() {
        return debName;
    }

    /** The name RPM distributions give it (rpm --eval %_arch). */
    public String rpmName() {
        return rpmName;
    }

    /** The package architecture for a distribution family. */
    public String packageName(Distribution.Family family) {
        return family == Distribution.Family.APT ? debName : rpmName;
    }

    /** {@code qemu-system-<name>}; null when QEMU has no system emulator for it. */
    public String qemuBinary() {
        return qemuName == null ? null : "qemu-system-" + qemuName;
    }

    /** QEMU machine, CPU and console; null when kimg does not boot it. */
    public Qemu qemu() {
        return qemu;
    }

    /** UEFI exists for it ({@code [Match] Architecture=uefi}). */
    public boolean hasUefi() {
        return uefi;
    }

    @Override
    public String toString() {
        return text;
    }
}
