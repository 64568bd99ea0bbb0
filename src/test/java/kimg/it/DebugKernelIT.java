package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;
import kimg.cli.ExitCode;
import kimg.fs.Sha256;
import kimg.module.KernelDebug;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's acceptance for {@code Debug=yes}, through the real command line: {@code kimg run} builds a small kernel
 * with the shipped mkosi.kernel.debug.config merged by kimg's own debug path, boots it, and the guest sees KASAN and
 * lockdep on in /proc/config.gz and lockdep running; then lkdtm (the kernel's fault injector, a module) writes to
 * freed memory, and kimg reports that as a KASAN use-after-free splat with exit 90 although the command exited 0.
 *
 * <p>The kernel is tinyconfig plus {@link #BOOT_FRAGMENT} (what a virtiofs root and lkdtm need; no debug info, so
 * the cold build stays a few minutes), in its own keyed directory {@code /var/tmp/kimg-it/debug-<hash>/} (build
 * directory and project), reused by later runs. The rootfs is the shared fixture's cache ({@link RootfsFixture}'s
 * settings, so the cache entry is the same). The unpacked tree is the shared fixture's, read only.
 */
class DebugKernelIT {
    /**
     * tinyconfig plus a virtiofs root on x86-64 (MACHINE-NOTES' boot fragment), /proc/config.gz and lkdtm (which
     * sits under RUNTIME_TESTING_MENU: without it olddefconfig drops LKDTM). PCI_MSI: without it virtio-pci needs
     * legacy INTx routing from ACPI's _PRT, which a KASAN+lockdep kernel under TCG on a loaded host failed to
     * evaluate within ACPI's 30 s AML loop limit ("PCI INT A: no GSI"), leaving the virtiofs root without
     * interrupts.
     */
    static final String BOOT_FRAGMENT = """
            # kimg: base=tinyconfig
            CONFIG_64BIT=y
            CONFIG_SMP=y
            CONFIG_PRINTK=y
            CONFIG_PRINTK_TIME=y
            CONFIG_MULTIUSER=y
            CONFIG_FUTEX=y
            CONFIG_POSIX_TIMERS=y
            CONFIG_FILE_LOCKING=y
            CONFIG_EPOLL=y
            CONFIG_SIGNALFD=y
            CONFIG_TIMERFD=y
            CONFIG_EVENTFD=y
            CONFIG_SHMEM=y
            CONFIG_SYSVIPC=y
            CONFIG_INOTIFY_USER=y
            CONFIG_FHANDLE=y
            CONFIG_TTY=y
            CONFIG_UNIX98_PTYS=y
            CONFIG_SERIAL_8250=y
            CONFIG_SERIAL_8250_CONSOLE=y
            CONFIG_BINFMT_ELF=y
            CONFIG_BINFMT_SCRIPT=y
            CONFIG_PROC_FS=y
            CONFIG_PROC_SYSCTL=y
            CONFIG_SYSFS=y
            CONFIG_DEVTMPFS=y
            CONFIG_DEVTMPFS_MOUNT=y
            CONFIG_TMPFS=y
            CONFIG_ACPI=y
            CONFIG_PCI=y
            CONFIG_PCI_MSI=y
            CONFIG_VIRTIO_MENU=y
            CONFIG_VIRTIO_PCI=y
            CONFIG_FUSE_FS=y
            CONFIG_VIRTIO_FS=y
            CONFIG_NET=y
            CONFIG_UNIX=y
            CONFIG_BLOCK=y
            CONFIG_MODULES=y
            CONFIG_MODULE_UNLOAD=y
            CONFIG_IKCONFIG=y
            CONFIG_IKCONFIG_PROC=y
            CONFIG_DEBUG_FS=y
            CONFIG_RUNTIME_TESTING_MENU=y
            CONFIG_LKDTM=m
            """;

    /** lkdtm's write to freed slab memory (drivers/misc/lkdtm/heap.c in 6.1). */
    static final String PLANTED = "WRITE_AFTER_FREE";

    @Test
    void debugKernelHasKasanAndLockdepAndReportsAUseAfterFree() throws Exception {
        Path tree = KernelFixture.sourceTree();
        String debugFragment = Files.readString(KernelFixture.repositoryRoot().resolve(KernelDebug.FILE_NAME));
        Path dir = KernelFixture.cacheDirectory().resolve("debug-" + Sha256.of(BOOT_FRAGMENT + debugFragment)
                .substring(0, 12));
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.writeString(project.resolve("mkosi.kernel.config"), BOOT_FRAGMENT);
        Files.copy(KernelFixture.repositoryRoot().resolve(KernelDebug.FILE_NAME), project.resolve(KernelDebug.FILE_NAME),
                StandardCopyOption.REPLACE_EXISTING);
        ItProject.debian().output("directory")
                .content("Autologin=yes", "Hostname=kimg-it")
                .build("BuildSources=" + tree + ":kernel", "BuildDirectory=" + dir.resolve("build"),
                        "CacheDirectory=" + RootfsFixture.CACHE, "Debug=yes")
                .runtime("RunTimeout=150")
                .write(project);

        KimgCli ran;
        // One JVM at a time per keyed directory: kimg's project lock would fail a second one fast instead.
        try (FileChannel lock = FileChannel.open(dir.resolveSibling(dir.getFileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            lock.lock();
            ran = KimgCli.run(project, "-C", project.toString(), "run", "--", "sh", "-c",
                    "zcat /proc/config.gz | grep -E '^CONFIG_(KASAN|KASAN_GENERIC|PROVE_LOCKING|DEBUG_INFO)='; "
                            + "grep -E '^ *debug_locks:' /proc/lockdep_stats; "
                            + "mount -t debugfs none /sys/kernel/debug && modprobe lkdtm && "
                            + "echo " + PLANTED + " > /sys/kernel/debug/provoke-crash/DIRECT");
        }

        String out = ran.out();
        assertEquals(ExitCode.KERNEL_SPLAT.code, ran.status(), ran::toString);
        List<String> lines = out.lines().map(String::strip).toList();
        assertTrue(lines.contains("CONFIG_KASAN=y"), ran::toString);
        assertTrue(lines.contains("CONFIG_PROVE_LOCKING=y"), ran::toString);
        assertTrue(!out.contains("CONFIG_DEBUG_INFO=y"), "DWARF stays off to keep the build short");
        assertTrue(Pattern.compile("(?m)^\\s*debug_locks:\\s+1$").matcher(out).find(), "lockdep runs:\n" + out);
        // The debug fragment's own local version: the debug kernel's build directory, next to a plain one.
        Path buildDir = dir.resolve("build/debian~bookworm~x86-64/kernel/-debug");
        assertTrue(Files.isRegularFile(buildDir.resolve(".config")), buildDir + " is the debug build directory");
        // The splat's one line, on the console and in kimg's own output.
        Pattern summary = Pattern.compile("kernel KASAN:? (BUG: KASAN: )?(slab-)?use-after-free in lkdtm_" + PLANTED);
        assertTrue(summary.matcher(out).find(), "KASAN use-after-free reported:\n" + ran);
        assertTrue(summary.matcher(ran.err()).find(), "summary line on kimg's console:\n" + ran.err());
        assertTrue(ran.err().contains("debug kernel: RunTimeout=150 counts " + KernelDebug.TIMEOUT_FACTOR + " times"),
                "the run timeout scaled for the debug kernel:\n" + ran.err());
    }
}
