package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtiofsInitrdTest {
    private static final String DEP = String.join("\n",
            "kernel/fs/fuse/fuse.ko:",
            "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko",
            "kernel/drivers/virtio/virtio.ko:",
            "kernel/drivers/virtio/virtio_ring.ko:",
            "kernel/drivers/virtio/virtio_pci.ko.xz: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko",
            "kernel/drivers/virtio/virtio_pci_modern_dev.ko: kernel/drivers/virtio/virtio.ko",
            "kernel/fs/minix/minix.ko:");

    @Test
    void dependenciesLoadBeforeDependentsEachOnce() {
        List<String> order = VirtiofsInitrd.loadOrder(VirtiofsInitrd.parseModulesDep(DEP), VirtiofsInitrd.NEEDED);
        assertEquals(List.of(
                "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
                "kernel/drivers/virtio/virtio_pci.ko.xz",
                "kernel/fs/fuse/fuse.ko",
                "kernel/fs/fuse/virtiofs.ko"), order);
    }

    @Test
    void builtInModulesAreSimplyNotLoaded() {
        assertEquals(List.of(), VirtiofsInitrd.loadOrder(VirtiofsInitrd.parseModulesDep("kernel/fs/minix/minix.ko:\n"),
                VirtiofsInitrd.NEEDED));
    }

    @Test
    void initLoadsModulesMountsRootShareAndSwitchesToKimgInit() {
        String init = VirtiofsInitrd.initScript(List.of("kernel/fs/fuse/fuse.ko", "kernel/drivers/virtio/virtio_pci.ko.xz"));
        assertTrue(init.contains("insmod /modules/fuse.ko"));
        assertTrue(init.contains("insmod /modules/virtio_pci.ko 2>"), "compressed modules are unpacked at build time");
        assertTrue(init.contains("mount -t virtiofs root /newroot"));
        assertTrue(init.contains("exec switch_root /newroot \"$init\""));
    }

    /**
     * Issue 11.4: the image is guest-writable, so symlinks in it are resolved inside it; a module or modules.dep
     * pointing at a private host file never brings that file into the initrd, and the initrd is 0600.
     */
    @Test
    void aForeignImagesInitrdRunsTheImagesOwnBusybox(@TempDir Path dir) throws Exception {
        kimg.config.Architecture foreign = kimg.config.Architecture.host() == kimg.config.Architecture.ARM64
                ? kimg.config.Architecture.X86_64 : kimg.config.Architecture.ARM64;
        Path image = dir.resolve("image");
        Path modules = Files.createDirectories(image.resolve("usr/lib/modules/6.1.0-test/kernel/fs/fuse"));
        Files.writeString(modules.resolve("fuse.ko"), "FUSE-MODULE-BYTES\n");
        Files.writeString(image.resolve("usr/lib/modules/6.1.0-test/modules.dep"), "kernel/fs/fuse/fuse.ko:\n");
        var exec = new Exec(new StepLogs(dir.resolve("logs")), Console.plain(new PrintStream(OutputStream.nullOutputStream())));
        Path out = dir.resolve("initrd.cpio");
        var e = assertThrows(kimg.config.ConfigError.class,
                () -> VirtiofsInitrd.build(image, "6.1.0-test", out, exec, foreign));
        assertTrue(e.getMessage().contains("busybox-static"), e.getMessage());
        Files.createDirectories(image.resolve("usr/bin"));
        Files.writeString(image.resolve("usr/bin/busybox"), "IMAGE-BUSYBOX-BYTES\n");
        VirtiofsInitrd.build(image, "6.1.0-test", out, exec, foreign);
        String cpio = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        assertTrue(cpio.contains("IMAGE-BUSYBOX-BYTES"), "the image's busybox, not the host's");
    }

    @Test
    void initrdIgnoresSymlinksLeavingTheImage(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("host-secret"), "HOST-SECRET-BYTES\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        Path image = dir.resolve("image");
        Path modules = Files.createDirectories(image.resolve("usr/lib/modules/6.1.0-test"));
        Files.createDirectories(modules.resolve("kernel/fs/fuse"));
        Files.createDirectories(modules.resolve("kernel/drivers/virtio"));
        Files.writeString(modules.resolve("kernel/fs/fuse/fuse.ko"), "FUSE-MODULE-BYTES\n");
        // An absolute link (resolved against the image's root, where no such file is) and a relative one that
        // climbs further than the root (stopped there).
        Files.createSymbolicLink(modules.resolve("kernel/fs/fuse/virtiofs.ko"), secret);
        Files.createSymbolicLink(modules.resolve("kernel/drivers/virtio/virtio_pci.ko"),
                Path.of("../".repeat(20) + dir.relativize(secret)));
        Files.writeString(modules.resolve("modules.dep"), String.join("\n",
                "kernel/fs/fuse/fuse.ko:",
                "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko",
                "kernel/drivers/virtio/virtio_pci.ko:",
                "kernel/drivers/virtio/../../../../../../../../../../" + dir.relativize(secret) + ":"));
        Path out = dir.resolve("initrd.cpio");
        var exec = new Exec(new StepLogs(dir.resolve("logs")), Console.plain(new PrintStream(OutputStream.nullOutputStream())));
        VirtiofsInitrd.build(image, "6.1.0-test", out, exec);
        String cpio = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        assertTrue(cpio.contains("FUSE-MODULE-BYTES"), "a module inside the image is copied");
        assertFalse(cpio.contains("HOST-SECRET-BYTES"), "no host file reaches the initrd");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));

        // modules.dep itself as a link to a host file: read inside the image, where there is none.
        Files.delete(modules.resolve("modules.dep"));
        Path hostDep = Files.writeString(dir.resolve("host.dep"), "kernel/fs/fuse/fuse.ko:\n");
        Files.createSymbolicLink(modules.resolve("modules.dep"), hostDep);
        VirtiofsInitrd.build(image, "6.1.0-test", out, exec);
        assertFalse(new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1).contains("FUSE-MODULE-BYTES"));
    }

    @Test
    void imagePathsResolveLikeAChrootAndNeverLeaveTheTree(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "guest\n");
        Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../etc/passwd"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        assertEquals(root.resolve("etc/passwd"), ImageTreePath.resolve(root, "abs"));
        assertEquals(root.resolve("etc/passwd"), ImageTreePath.resolve(root, "up"));
        assertEquals(root.resolve("etc/passwd"), ImageTreePath.resolve(root, "../../etc/./passwd"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ImageTreePath.resolve(root, "loop"));
    }
}
