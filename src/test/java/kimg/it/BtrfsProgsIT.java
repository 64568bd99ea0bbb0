package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.RunExitStatus;
import kimg.config.Config;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.manifest.Manifest;
import kimg.manifest.ManifestRecords;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.GuestRun;
import kimg.vm.VmRunner;
import org.junit.jupiter.api.Test;

/**
 * The filesystem developer's loop with real drives: btrfs-progs from Debian bookworm's source (6.2), built and
 * installed into the image by the module, booted on the shared fixture's kernel (btrfs as a module) with two 1 GiB
 * drives. The guest formats the scratch drive with the mkfs.btrfs kimg built, mounts it, writes and reads a file
 * and the label, then runs one of btrfs-progs' own shipped tests (cli-tests/003-fi-resize-args: mkfs, mount and
 * a dozen resizes) from the built tree against the test drive.
 */
class BtrfsProgsIT {
    /** The built tree in the guest: the tests run the binaries next to them ($TOP/btrfs, $TOP/mkfs.btrfs). */
    static final String TREE = "/root/btrfs-progs";

    @Test
    void theBuiltMkfsFormatsTheScratchDriveAndAShippedTestPasses() throws Exception {
        KernelArtifacts kernel = KernelFixture.built();
        Path project = ModuleProjects.newProject("btrfs-progs-drives");
        ModuleProjects.write(project, ItProject.empty().output("directory")
                .build("BuildSources=" + BtrfsProgsSource.tree() + ":btrfs-progs"));
        KimgCli build = KimgCli.run(project, "-C", project.toString(), "build");
        assertEquals(0, build.status(), build::toString);
        Config built = ConfigLoader.load(ConfigInput.of(project).forBoot());
        ImageArtifacts image = ManifestRecords.image(Manifest.read(built.outputDirectory()).orElseThrow());
        Path mirror = ModuleProjects.buildDirectory(project, "btrfs-progs").resolve("src");
        assertTrue(Files.isExecutable(mirror.resolve("mkfs.btrfs")), mirror::toString);

        // The fixture kernel's build directory gives the guest its modules (btrfs.ko); the built tree is writable
        // because the test suite writes its results and mount point into tests/.
        Path drives = Files.createDirectories(project.resolve("drives"));
        Config config = ItProject.empty().sharingBuildOf(kernel)
                .runtime("RAM=1G", "RuntimeTrees=" + mirror + ":" + TREE, "Drives=test:1G:" + drives,
                        "Drives=scratch:1G:" + drives)
                .config(project);
        Exec exec = new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));
        var out = new ByteArrayOutputStream();
        GuestRun run = VmRunner.run(config, exec, BootInputs.from(config, kernel, image), List.of("bash", "-c", """
                set -e
                modprobe btrfs
                %1$s/mkfs.btrfs -f -L kimg-scratch /dev/vdb
                mkdir -p /mnt/scratch
                mount -t btrfs /dev/vdb /mnt/scratch
                echo kimg-data > /mnt/scratch/file
                sync
                echo "label: $(%1$s/btrfs filesystem label /mnt/scratch)"
                echo "read back: $(cat /mnt/scratch/file)"
                umount /mnt/scratch
                cd %1$s
                TEST=003-fi-resize-args TEST_DEV=/dev/vda TEST_MNT=/mnt/test ./tests/cli-tests.sh
                echo shipped-test-passed
                """.formatted(TREE)), new PrintStream(out, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, run.commandStatusOrFail(), console);
        assertEquals(0, RunExitStatus.of(run, false), "a kernel splat:\n" + console);
        assertTrue(console.contains("label: kimg-scratch"), console);
        assertTrue(console.contains("read back: kimg-data"), console);
        assertTrue(console.contains("[TEST/cli]   003-fi-resize-args"), console);
        assertTrue(console.contains("shipped-test-passed"), console);
        String results = Files.readString(mirror.resolve("tests/cli-tests-results.txt"));
        assertTrue(results.contains("btrfs filesystem resize") && results.contains("/dev/vda"), results);

        // Passed: drop the image and build directory (a failure keeps them, with the logs, to look at).
        KernelFixture.deleteTree(image.root());
        KernelFixture.deleteTree(project.resolve("mkosi.builddir"));
    }
}
