package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE.md §3: merging. One test per rule. */
class MergingRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    @Test
    void singleValueLastAssignmentWins() {
        tree.file("mkosi.conf", "[Content]", "Hostname=first", "[Runtime]", "RAM=1G")
                .file("mkosi.conf.d/10-a.conf", "[Content]", "Hostname=second")
                .file("mkosi.conf.d/20-b.conf", "[Content]", "Hostname=third");

        Config c = tree.load();

        assertEquals("third", c.get("Hostname"));
        assertEquals(tree.at("mkosi.conf.d/20-b.conf", 2), c.origin("Hostname").toString());
    }

    @Test
    void emptyAssignmentResetsSingleToDefault() {
        tree.file("mkosi.conf", "[Runtime]", "RAM=8G", "[Distribution]", "Release=trixie")
                .file("mkosi.conf.d/10-a.conf", "[Runtime]", "RAM=", "[Distribution]", "Release=");

        Config c = tree.load("Distribution=fedora");

        assertEquals("2G", c.get("RAM"));
        assertTrue(c.isDefault("RAM"));
        assertEquals("41", c.release(), "the default, which depends on Distribution=");
    }

    @Test
    void emptyAssignmentThenAValueSetsThatValue() {
        tree.file("mkosi.conf", "[Runtime]", "RAM=8G", "RAM=", "RAM=3G");

        assertEquals("3G", tree.load().get("RAM"));
    }

    @Test
    void listSettingsAppend() {
        tree.file("mkosi.conf", "[Content]", "Packages=a", "Packages=b")
                .file("mkosi.conf.d/10-x.conf", "[Content]", "Packages=c");

        assertEquals(List.of("a", "b", "c"), tree.load().list("Packages"));
    }

    @Test
    void emptyAssignmentResetsList() {
        tree.file("mkosi.conf", "[Content]", "Packages=a", "Packages=b", "[Runtime]", "QemuArgs=-s")
                .file("mkosi.conf.d/10-x.conf", "[Content]", "Packages=", "Packages=c", "[Runtime]", "QemuArgs=");

        Config c = tree.load();

        assertEquals(List.of("c"), c.list("Packages"));
        assertEquals(List.of(), c.list("QemuArgs"));
    }

    @Test
    void emptyAssignmentClearsListDefaultsToo() {
        tree.file("mkosi.conf", "[Content]", "@Packages=default-pkg", "Packages=", "Packages=mine");

        assertEquals(List.of("mine"), tree.load().list("Packages"));
    }

    @Test
    void atKeyIsAnOrdinaryAssignmentWithADeprecationWarning() {
        // mkosi v24+: `@Key=` is `Key=` plus a warning (before v24 it set a default; REFERENCE §3).
        tree.file("mkosi.conf.d/90-late.conf", "[Runtime]", "@RAM=6G", "@CPUs=5")
                .file("mkosi.conf", "[Runtime]", "RAM=1G");

        Config c = tree.load();

        assertEquals("6G", c.get("RAM"), "a later @RAM= beats an earlier RAM=, like any assignment");
        assertEquals("5", c.get("CPUs"));
        assertEquals(2, c.warnings().stream().filter(w -> w.contains("The '@' specifier is deprecated")).count(),
                c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith(tree.at("mkosi.conf.d/90-late.conf", 2) + ": "));
    }

    @Test
    void includeCannotBeCleared() {
        tree.file("mkosi.conf", "[Config]", "Include=a.conf", "Include=", "Include=b.conf")
                .file("a.conf", "[Content]", "Packages=a")
                .file("b.conf", "[Content]", "Packages=b");

        assertEquals(List.of("a", "b"), tree.load().list("Packages"));
    }

    @Test
    void finalListIsFilesThenLocalThenCommandLine() {
        tree.file("mkosi.local.conf", "[Content]", "Packages=local1", "Packages=local2")
                .file("mkosi.conf", "[Content]", "Packages=file1")
                .file("mkosi.conf.d/10-x.conf", "[Content]", "Packages=file2");

        Config c = tree.load("Packages=cli1", "Packages=cli2");

        assertEquals(List.of("file1", "file2", "local1", "local2", "cli1", "cli2"), c.list("Packages"));
        assertEquals("command line", c.values("Packages").get(5).origin().toString());
        assertEquals(tree.at("mkosi.local.conf", 3), c.values("Packages").get(3).origin().toString());
    }

    @Test
    void commandLineEmptyValueDropsFilesValues() {
        tree.file("mkosi.local.conf", "[Content]", "Packages=local")
                .file("mkosi.conf", "[Content]", "Packages=file", "[Runtime]", "RAM=8G");

        assertEquals(List.of(), tree.load("Packages=").list("Packages"));
        assertEquals(List.of("cli"), tree.load("Packages=", "Packages=cli").list("Packages"));
        assertEquals("2G", tree.load("RAM=").get("RAM"), "a single setting goes back to its default");
    }

    @Test
    void localEmptyValueClearsOnlyWhatLocalReadBeforeIt() {
        // mkosi v26 reads mkosi.local.conf before the files and folds it into the command line's values, so its
        // empty assignment cannot clear the files' items, which are read later (checked with the oracle).
        tree.file("mkosi.local.conf", "[Content]", "Packages=early", "Packages=", "Packages=local")
                .file("mkosi.conf", "[Content]", "Packages=file");

        assertEquals(List.of("file", "local", "cli"), tree.load("Packages=cli").list("Packages"));
    }

    @Test
    void emptyAssignmentInAFileKeepsHigherRankedValues() {
        tree.file("mkosi.local.conf", "[Content]", "Packages=local")
                .file("mkosi.conf", "[Content]", "Packages=file", "Packages=");

        assertEquals(List.of("local", "cli"), tree.load("Packages=cli").list("Packages"));
    }

    @Test
    void singleValueSetOnAHigherRankWins() {
        tree.file("mkosi.local.conf", "[Content]", "Hostname=local")
                .file("mkosi.conf", "[Content]", "Hostname=file", "[Runtime]", "CPUs=3")
                .file("mkosi.conf.d/10-x.conf", "[Content]", "Hostname=file2", "[Runtime]", "CPUs=4");

        Config c = tree.load("CPUs=6");

        assertEquals("local", c.get("Hostname"));
        assertEquals("6", c.get("CPUs"));
    }

    @Test
    void itemsAreSeparatedByCommasAndLineEndsAsInMkosi() {
        tree.file("mkosi.conf", "[Content]", "Packages=a,b,,c", "  d, e", "  f");

        assertEquals(List.of("a", "b", "c", "d", "e", "f"), tree.load().list("Packages"));
    }

    @Test
    void blanksDoNotSeparatePackagesAndSaySo() {
        // mkosi v26 reads "vim less" as one package (and apt fails on it later); kimg stops at the line.
        tree.file("mkosi.conf", "[Content]", "Packages=gdb", "  vim less");

        ConfigError e = assertThrows(ConfigError.class, tree::load);

        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
        assertTrue(e.getMessage().contains("'vim less'") && e.getMessage().contains("commas"), e.getMessage());
    }

    @Test
    void commandLinePathsAreRelativeToTheStartDirectory(@TempDir Path start) throws Exception {
        java.nio.file.Files.createDirectories(start.resolve("linux"));
        tree.file("mkosi.conf", "[Runtime]", "RAM=1G");

        Config c = tree.loadFrom(start, "BuildSources=linux:kernel", "OutputDirectory=out");

        assertEquals(start.resolve("linux").toAbsolutePath().normalize(), c.sourceFor("kernel").orElseThrow().source());
        assertEquals(start.resolve("out").toAbsolutePath().normalize(), c.outputDirectory());
    }

    @Test
    void kernelCommandLineIsSplitOnWhitespaceOnly() {
        tree.file("mkosi.conf", "[Content]", "KernelCommandLine=console=ttyS0,115200n8 quiet",
                "    dyndbg=\"file drivers/x.c +p\"", "[Runtime]", "KernelCommandLineExtra=loglevel=7,x panic=-1");

        Config c = tree.load();

        assertEquals(List.of("console=ttyS0,115200n8", "quiet", "dyndbg=\"file drivers/x.c +p\""),
                c.list("KernelCommandLine"));
        assertEquals(List.of("loglevel=7,x", "panic=-1"), c.list("KernelCommandLineExtra"));
    }

    @Test
    void qemuArgsAreSplitLikeAShell() {
        tree.file("mkosi.conf", "[Runtime]",
                "QemuArgs=-device \"virtio-rng-pci,id=rng0\" -append 'a b'",
                "    -s\\ x");

        assertEquals(List.of("-device", "virtio-rng-pci,id=rng0", "-append", "a b", "-s x"),
                tree.load().list("QemuArgs"));
    }

    @Test
    void environmentIsSplitLikeAShell() {
        tree.file("mkosi.conf", "[Build]", "Environment=SELFTESTS=1 SELFTESTS_TARGETS=\"bpf net\" 'CC=ccache gcc'");

        Config c = tree.load();

        assertEquals(Map.of("SELFTESTS", "1", "SELFTESTS_TARGETS", "bpf net", "CC", "ccache gcc"), c.environment());
    }

    @Test
    void environmentLaterValueOfTheSameKeyWins() {
        tree.file("mkosi.conf", "[Build]", "Environment=A=1 B=1")
                .file("mkosi.local.conf", "[Build]", "Environment=A=2");

        Config c = tree.load("Environment=B=3");

        assertEquals(Map.of("A", "2", "B", "3"), c.environment());
    }

    @Test
    void environmentBareKeyIsTakenFromTheHost() {
        tree.file("mkosi.conf", "[Build]", "Environment=HOST_ONLY NOT_ON_HOST X=1");

        assertEquals(Map.of("HOST_ONLY", "from-host", "X", "1"), tree.load().environment());
    }
}
