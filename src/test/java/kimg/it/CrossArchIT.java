package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import kimg.fs.Sha256;
import org.junit.jupiter.api.Test;

/**
 * Issue 16's acceptance for arm64 on this x86-64 host, through the real command line: {@code kimg
 * --architecture=arm64 run -- uname -m} cross-builds linux-source-6.1 with the shipped mkosi.kernel.arm64.config
 * (the project has that file, a kernel source and nothing else), builds an arm64 Debian rootfs (mmdebstrap under
 * qemu-user), boots it under {@code qemu-system-aarch64 -M virt} with root on virtiofs and prints {@code aarch64};
 * then {@code kimg gdb} (gdb-multiarch) attaches to a stopped arm64 guest and reads its program counter.
 *
 * <p>Everything lives in its own keyed directory, {@code /var/tmp/kimg-it/arm64-<hash of the config>/} (kernel
 * build directory, rootfs cache, project), reused by later runs; the shared x86 fixtures are not touched. The
 * unpacked tree is the shared fixture's, read only (kimg builds out of tree).
 */
class CrossArchIT {
    @Test
    void arm64KernelAndRootfsBootAndGdbReadsARegister() throws Exception {
        Path tree = KernelFixture.sourceTree();
        Path shipped = KernelFixture.repositoryRoot().resolve("mkosi.kernel.arm64.config");
        String key = Sha256.of(Files.readString(shipped)).substring(0, 12);
        Path dir = KernelFixture.cacheDirectory().resolve("arm64-" + key);
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.copy(shipped, project.resolve("mkosi.kernel.arm64.config"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ItProject.debian().output("directory")
                .build("BuildSources=" + tree + ":kernel", "BuildDirectory=" + dir.resolve("build"),
                        "CacheDirectory=" + dir.resolve("cache"))
                .write(project);

        KimgCli ran = KimgCli.run(project, "-C", project.toString(), "--architecture=arm64", "run", "--", "uname",
                "-m");
        assertEquals(0, ran.status(), ran::toString);
        assertTrue(ran.out().lines().anyMatch(l -> l.strip().equals("aarch64")), ran::toString);
        Path buildDir = dir.resolve("build/debian~bookworm~arm64/kernel/default");
        assertTrue(Files.isRegularFile(buildDir.resolve("arch/arm64/boot/Image")), "the arm64 boot image");
        String config = Files.readString(buildDir.resolve(".config"));
        for (String symbol : List.of("CONFIG_ARM64=y", "CONFIG_SERIAL_AMBA_PL011_CONSOLE=y", "CONFIG_VIRTIO_FS=y",
                "CONFIG_PCI_HOST_GENERIC=y")) {
            assertTrue(config.contains("\n" + symbol + "\n"), symbol);
        }
        KimgCli plan = KimgCli.run(project, "-C", project.toString(), "--architecture=arm64", "summary", "--plan");
        assertTrue(plan.out().contains("config: " + project.resolve("mkosi.kernel.arm64.config") + " (chosen by project)"
                + " on tinyconfig"), plan::toString);

        int port = VmBootIT.freePort();
        CompletableFuture<KimgCli> guest = CompletableFuture.supplyAsync(() -> KimgCli.run(project, "-C",
                project.toString(), "--architecture=arm64", "--qemu-args=-s -S", "--gdb-port=" + port, "run", "--",
                "true"));
        VmBootIT.awaitListening(port, guest);
        String gdb = kimgInChildJvm(project, "-C", project.toString(), "--architecture=arm64",
                "--gdb-port=" + port, "gdb", "--", "-batch", "-ex", "info registers pc", "-ex", "detach");
        assertTrue(Pattern.compile("(?m)^pc\\s+0x[0-9a-f]+").matcher(gdb).find(), gdb);
        // Detached, the guest boots on and runs its command.
        KimgCli booted = guest.get(600, TimeUnit.SECONDS);
        assertEquals(0, booted.status(), booted::toString);
    }

    /**
     * The distribution kernel path on arm64: no kernel source, so mkosi.conf.d/31-distro-kernel-arm64.conf (copied
     * from the repository) puts Debian's linux-image-arm64 and busybox-static in the image, and kimg boots that
     * kernel with its own initrd (the image's arm64 busybox, the virtio and virtiofs modules) under
     * qemu-system-aarch64. Its own keyed directory: the rootfs differs from the cross-built kernel's (Packages=).
     */
    @Test
    void arm64DistributionKernelBootsWithKimgsInitrd() throws Exception {
        Path dropIn = KernelFixture.repositoryRoot().resolve("mkosi.conf.d/31-distro-kernel-arm64.conf");
        String key = Sha256.of(Files.readString(dropIn)).substring(0, 12);
        Path dir = KernelFixture.cacheDirectory().resolve("arm64-distro-" + key);
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.createDirectories(project.resolve("mkosi.conf.d"));
        Files.copy(dropIn, project.resolve("mkosi.conf.d").resolve(dropIn.getFileName()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ItProject.debian("Architecture=arm64").output("directory").build("CacheDirectory=" + dir.resolve("cache"))
                .write(project);

        KimgCli ran = KimgCli.run(project, "-C", project.toString(), "run", "--", "uname", "-m", "-r");
        assertEquals(0, ran.status(), ran::toString);
        // Debian's release string ends in -arm64 (6.1.0-N-arm64): the distribution's kernel, not one kimg built.
        assertTrue(Pattern.compile("(?m)^\\S+-arm64 aarch64\\s*$").matcher(ran.out()).find(), ran::toString);
        try (var files = Files.list(project.resolve("mkosi.output"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().contains(".kimg-initrd-")), "kimg's initrd");
        }
    }

    /** {@code kimg gdb} hands gdb the terminal (stdio inherited): run it in a child JVM to read what gdb printed. */
    private static String kimgInChildJvm(Path cwd, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var argv = new ArrayList<>(List.of(java, "-cp", classpath, kimg.Main.class.getName()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
