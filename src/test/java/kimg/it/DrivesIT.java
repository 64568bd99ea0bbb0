package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.VmRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives= in a real guest (the shared kernel and rootfs fixtures): two 1 GiB sparse drives appear as /dev/vda and
 * /dev/vdb in Drives= order with their ids as serials and their sizes, and what one boot writes to a drive the next
 * boot reads (the backing files are kept, sparse). The shipped kernel's btrfs module loads in the guest.
 */
class DrivesIT {
    @TempDir
    Path project;

    @Test
    void drivesAppearInOrderAndKeepTheirDataAcrossBoots() throws Exception {
        KernelArtifacts kernel = KernelFixture.built();
        ImageArtifacts image = RootfsFixture.built();
        Path drives = Files.createDirectories(project.resolve("drives"));
        // The kernel's modules are the guest's /usr/lib/modules.
        Config config = ItProject.empty().sharingBuildOf(kernel)
                .runtime("RAM=512M", "Drives=test:1G:" + drives, "Drives=scratch:1G:" + drives)
                .config(project);
        Exec exec = new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));

        // Every step prints what it found, so a failure shows which one (no silent grep -q). btrfs (a module of the
        // shipped config, installed stripped: with its DWARF the read through the virtiofs root hung the guest)
        // loads; with btrfs-progs in the image a drive is formatted and mounted too.
        String first = boot(config, exec, kernel, image, "modprobe -v btrfs; echo fs $(grep -w btrfs /proc/filesystems);"
                + " if command -v mkfs.btrfs >/dev/null; then mkfs.btrfs -q -f /dev/vda && mkdir -p /mnt/t"
                + " && mount -t btrfs /dev/vda /mnt/t && echo btrfs-mounted $(stat -f -c %T /mnt/t) && umount /mnt/t;"
                + " else echo no-btrfs-progs; fi;"
                + " echo serials $(cat /sys/block/vda/serial) $(cat /sys/block/vdb/serial);"
                + " echo sizes $(cat /sys/block/vda/size) $(cat /sys/block/vdb/size);"
                + " echo kimg-drive-marker | dd of=/dev/vdb bs=512 count=1 conv=sync,fsync"
                + " && echo first-boot-ok");
        assertTrue(first.contains("fs btrfs"), "btrfs in /proc/filesystems: " + first);
        assertTrue(first.contains("btrfs-mounted btrfs") || first.contains("no-btrfs-progs"), first);
        assertTrue(first.contains("serials test scratch"), first);
        assertTrue(first.contains("sizes 2097152 2097152"), first);
        assertTrue(first.contains("first-boot-ok"), first);
        Path scratch = drives.resolve("mkosi-drive-image-scratch");
        assertEquals(1L << 30, Files.size(scratch));
        // Sparse: a 1 GiB file holding one written block.
        long allocated = Long.parseLong(exec.capture("stat", kimg.exec.Cmd.of("stat", "-c", "%b", scratch.toString()))
                .output().get(0).strip()) * 512;
        assertTrue(allocated < (16 << 20), "allocated " + allocated);

        String second = boot(config, exec, kernel, image, "head -c 17 /dev/vdb; echo");
        assertTrue(second.contains("kimg-drive-marker"), second);
    }

    private static String boot(Config config, Exec exec, KernelArtifacts kernel, ImageArtifacts image,
            String script) {
        var out = new ByteArrayOutputStream();
        int status = VmRunner.run(config, exec, BootInputs.from(config, kernel, image), List.of("sh", "-c", script),
                new PrintStream(out, true, StandardCharsets.UTF_8)).commandStatusOrFail();
        String console = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, console);
        return console;
    }
}
