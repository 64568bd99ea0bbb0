package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11.1: kimg deletes or replaces only what it made, and never writes where it must not. */
class OutputOwnershipTest {
    @TempDir
    Path root;

    private record Run(int status, String err) {}

    private static Run kimg(Path cwd, String... args) {
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, cwd, o, e);
        }
        return new Run(status, err.toString(StandardCharsets.UTF_8));
    }

    private Path project(String... outputLines) throws Exception {
        Path project = Files.createDirectories(root.resolve("project"));
        Files.writeString(project.resolve("mkosi.conf"),
                "[Distribution]\nDistribution=debian\n[Output]\n" + String.join("\n", outputLines) + "\n");
        return project;
    }

    /** A user's tree next to the output directory, with a file that must survive. */
    private Path userTree(Path dir) throws Exception {
        Path tree = Files.createDirectories(dir.resolve("linux"));
        Files.writeString(tree.resolve("Makefile"), "precious\n");
        return tree;
    }

    @Test
    void cleanNeverDeletesASiblingTree() throws Exception {
        Path outputs = Files.createDirectories(root.resolve("outputs"));
        Path linux = userTree(outputs);
        Path project = project("OutputDirectory=../outputs", "Output=linux");
        Run run = kimg(project, "-ff", "clean");
        assertEquals(1, run.status(), run.err());
        assertTrue(run.err().contains("refusing to delete or replace " + linux), run.err());
        assertEquals("precious\n", Files.readString(linux.resolve("Makefile")));
    }

    @Test
    void outputDirectoryParentOfTheProjectIsRefused() throws Exception {
        Path linux = userTree(root);
        Path project = project("OutputDirectory=..", "Output=linux");
        Run run = kimg(project, "clean");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("mkosi.conf:4:") && run.err().contains("OutputDirectory")
                && run.err().contains("contains the project directory"), run.err());
        assertEquals("precious\n", Files.readString(linux.resolve("Makefile")));
    }

    @Test
    void outputDirectoryRootIsRefused() throws Exception {
        Path project = project("OutputDirectory=/", "Output=proc");
        Run run = kimg(project, "clean");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("OutputDirectory") && run.err().contains("is the root directory"), run.err());
    }

    @Test
    void systemDirectoriesAreRefusedForEveryOutputSetting() throws Exception {
        for (String line : new String[] {"OutputDirectory=/usr/lib", "OutputDirectory=/home", "OutputDirectory=/var",
                "OutputDirectory=/proc/self"}) {
            Run run = kimg(project(line), "build");
            assertEquals(2, run.status(), line + ": " + run.err());
            assertTrue(run.err().contains("OutputDirectory"), run.err());
        }
        Path project = project();
        Files.writeString(project.resolve("mkosi.conf"), "[Build]\nCacheDirectory=/etc\n");
        assertEquals(2, kimg(project, "summary").status());
        Files.writeString(project.resolve("mkosi.conf"), "[Build]\nBuildDirectory=/\n");
        assertEquals(2, kimg(project, "clean").status());
    }

    @Test
    void outputDirectoryInsideABuildSourcesTreeIsRefused() throws Exception {
        Path linux = userTree(root);
        Path project = project("OutputDirectory=" + linux.resolve("out"));
        Files.writeString(project.resolve("mkosi.conf"),
                Files.readString(project.resolve("mkosi.conf")) + "[Build]\nBuildSources=" + linux + ":kernel\n");
        Run run = kimg(project, "clean");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("BuildSources tree"), run.err());
        Path nested = userTree(Files.createDirectories(root.resolve("src")));
        Files.writeString(project.resolve("mkosi.conf"), "[Build]\nBuildSources=" + nested + ":kernel\n"
                + "BuildDirectory=" + root.resolve("src") + "\n");
        run = kimg(project, "clean");
        assertEquals(2, run.status(), run.err());
        assertTrue(run.err().contains("contains the BuildSources tree"), run.err());
    }

    @Test
    void cleanDeletesOutputsKimgStampedOrAnOlderKimgWrote() throws Exception {
        Path project = project();
        Path out = project.resolve("mkosi.output");
        Path stamped = Files.createDirectories(out.resolve("image/etc"));
        Files.writeString(out.resolve(".image.kimg-owned"), "made by kimg\n");
        Path buildRoot = Files.createDirectories(project.resolve("mkosi.builddir/debian~bookworm~x86-64/foo/destdir"));
        Run run = kimg(project, "-f", "clean");
        assertEquals(0, run.status(), run.err());
        assertFalse(Files.exists(stamped.getParent()));
        assertFalse(Files.exists(out.resolve(".image.kimg-owned")));
        assertFalse(Files.exists(buildRoot), "a build directory an older kimg made (a module's destdir) is kimg's");

        // Made before stamps: the state file kimg writes next to its output says it is kimg's.
        Files.createDirectories(out.resolve("image/etc"));
        Files.writeString(out.resolve(".image.kimg-state"), "base=x\noutput=image\n");
        assertEquals(0, kimg(project, "clean").status());
        assertFalse(Files.exists(out.resolve("image")));
    }

    @Test
    void cleanLeavesABuildDirectoryKimgDidNotMake() throws Exception {
        Path project = project();
        Path buildRoot = Files.createDirectories(project.resolve("mkosi.builddir/debian~bookworm~x86-64/notes"));
        Run run = kimg(project, "-f", "clean");
        assertEquals(1, run.status(), run.err());
        assertTrue(Files.isDirectory(buildRoot));
    }

    @Test
    void aSymlinkToASystemDirectoryIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("out"), Path.of("/proc"));
        assertTrue(kimg.fs.ProtectedDirectories.whyRefused(link.resolve("x"), root.resolve("project"), java.util.List.of())
                .orElseThrow().contains("/proc"));
    }

    @Test
    void aProjectKeptInsideItsSourceTreeMayKeepItsOutputsThere() throws Exception {
        Path linux = userTree(root);
        Path project = linux.resolve("kimg");
        assertTrue(kimg.fs.ProtectedDirectories.whyRefused(project.resolve("mkosi.output"), project,
                java.util.List.of(linux)).isEmpty());
        assertTrue(kimg.fs.ProtectedDirectories.whyRefused(linux.resolve("out"), root.resolve("elsewhere"),
                java.util.List.of(linux)).isPresent());
    }
}
