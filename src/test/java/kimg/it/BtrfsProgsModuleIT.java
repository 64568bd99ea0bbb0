package kimg.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;
import java.time.Duration;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.manifest.Manifest;
import kimg.manifest.ManifestRecords;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import org.junit.jupiter.api.Test;

/**
 * The real btrfs-progs (Debian bookworm's 6.2 sources) through the module: built in the build overlay with the
 * module's build script, installed into the image by a full build, then edited, rebuilt with
 * {@code -t none build -i --btrfs-progs} while a guest runs (only what the edit touched is rebuilt, the image is
 * left alone), and the new binary run from /work/build in that same guest, with no reboot.
 */
class BtrfsProgsModuleIT {

    @Test
    void editRebuildIncrementallyAndRunTheNewBinaryInTheRunningGuest() throws IOException {
        KernelArtifacts kernel = KernelFixture.built();
        Path project = ModuleProjects.newProject("btrfs-progs");
        // A copy the test may edit; the cached tree stays pristine for the next run.
        Path source = project.resolve("btrfs-progs");
        Path control = Files.createDirectories(project.resolve("control"));
        KernelFixture.exec(project).run("copy-btrfs-progs", Cmd.of("cp", "-a", BtrfsProgsSource.tree().toString(),
                source.toString()));
        ModuleProjects.write(project, ItProject.empty().output("directory")
                .build("BuildSources=" + source + ":btrfs-progs")
                .runtime("RuntimeBuildSources=yes", "RuntimeTrees=" + control + ":" + LiveGuest.GUEST_CONTROL, "RAM=512M",
                        "Linux=" + kernel.bzImage()));
        Path buildDir = ModuleProjects.buildDirectory(project, "btrfs-progs");
        Path mirror = buildDir.resolve("src");
        Path image = project.resolve("mkosi.output/image");

        String sourceBefore = KernelFixture.treeHash(source);
        KimgCli full = KimgCli.run(project, "-C", project.toString(), "build");
        assertEquals(0, full.status(), full::toString);
        assertEquals(sourceBefore, KernelFixture.treeHash(source), "the build wrote into the source tree");
        Path installed = buildDir.resolve("destdir/usr/bin/btrfs");
        assertTrue(Files.isExecutable(installed), installed::toString);
        // The full build installed the module's output over the distribution's btrfs-progs.
        assertArrayEquals(Files.readAllBytes(installed), Files.readAllBytes(image.resolve("usr/bin/btrfs")));

        // The developer's guest, booted on the image just built, keeps running through the edit and the rebuild.
        Config config = ConfigLoader.load(ConfigInput.of(project).forBoot());
        ImageArtifacts built = ManifestRecords.image(Manifest.read(config.outputDirectory()).orElseThrow());
        Exec exec = new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));
        String bin = "/work/build/btrfs-progs/destdir/usr/bin";
        try (LiveGuest guest = LiveGuest.start(control, config, exec, BootInputs.from(config, null, built), "true",
                900, Duration.ofMinutes(3))) {
            LiveGuest.Step before = guest.run(bin + "/btrfs --version", Duration.ofMinutes(1));
            assertEquals(0, before.status(), guest::console);
            assertTrue(before.output().contains("btrfs-progs v6.2"), guest::console);

            String marker = editAndRebuild(project, source, mirror, image);

            LiveGuest.Step after = guest.run(bin + "/btrfs --version && truncate -s 256M /tmp/fs.img && " + bin
                    + "/mkfs.btrfs -q /tmp/fs.img && " + bin + "/btrfs inspect-internal dump-super /tmp/fs.img"
                    + " | grep -q '^magic.*_BHRfS_M' && echo mkfs-ok", Duration.ofMinutes(2));
            assertEquals(0, after.status(), guest::console);
            assertTrue(after.output().contains("btrfs-progs v6.2 " + marker), guest::console);
            assertTrue(after.output().contains("mkfs-ok"), guest::console);
            assertEquals(0, guest.stop(Duration.ofMinutes(1)), guest::console);
        }
        // Passed: drop the 400 MB of image and build directory (a failure keeps them, with the logs, to look at).
        KernelFixture.deleteTree(image);
        KernelFixture.deleteTree(project.resolve("mkosi.builddir"));
    }

    /** Edits btrfs.c, runs {@code -t none build -i --btrfs-progs}, checks what was rebuilt; returns the edit's marker. */
    private static String editAndRebuild(Path project, Path source, Path mirror, Path image) throws IOException {
        Map<String, FileTime> objectsBefore = mtimes(mirror, ".o");
        FileTime btrfsBefore = Files.getLastModifiedTime(mirror.resolve("btrfs"));
        FileTime mkfsBefore = Files.getLastModifiedTime(mirror.resolve("mkfs.btrfs"));
        FileTime imageBinaryBefore = Files.getLastModifiedTime(image.resolve("usr/bin/btrfs"));

        // The developer's edit: `btrfs version` says which build it is.
        String marker = "kimg-edit-" + UUID.randomUUID().toString().substring(0, 8);
        Path btrfsC = source.resolve("btrfs.c");
        String text = Files.readString(btrfsC);
        String edited = text.replace("printf(\"%s\\n\", PACKAGE_STRING);",
                "printf(\"%s " + marker + "\\n\", PACKAGE_STRING);");
        assertTrue(!edited.equals(text), "btrfs.c has no version printf to edit");
        Files.writeString(btrfsC, edited);
        String sourceEdited = KernelFixture.treeHash(source);

        KimgCli incremental = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i",
                "--btrfs-progs");
        assertEquals(0, incremental.status(), incremental::toString);
        assertEquals(sourceEdited, KernelFixture.treeHash(source), "the -i build wrote into the source tree");

        Map<String, FileTime> objectsAfter = mtimes(mirror, ".o");
        assertEquals(objectsBefore.keySet(), objectsAfter.keySet());
        var rebuilt = objectsAfter.keySet().stream().filter(o -> !objectsAfter.get(o).equals(objectsBefore.get(o)))
                .toList();
        assertEquals(java.util.List.of("btrfs.o"), rebuilt, "only the edited file's object is rebuilt");
        assertTrue(Files.getLastModifiedTime(mirror.resolve("btrfs")).compareTo(btrfsBefore) > 0, "btrfs relinked");
        assertEquals(mkfsBefore, Files.getLastModifiedTime(mirror.resolve("mkfs.btrfs")), "mkfs.btrfs relinked");
        assertEquals(imageBinaryBefore, Files.getLastModifiedTime(image.resolve("usr/bin/btrfs")),
                "-i touched the image");
        return marker;
    }

    /** Build outputs ending in {@code suffix} under {@code dir}, by relative path, with their mtimes. */
    private static Map<String, FileTime> mtimes(Path dir, String suffix) throws IOException {
        var out = new TreeMap<String, FileTime>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().endsWith(suffix))::iterator) {
                out.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p));
            }
        }
        return out;
    }
}
