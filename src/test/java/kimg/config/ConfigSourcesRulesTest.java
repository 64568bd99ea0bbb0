package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE.md §2: where config comes from, in order. One test per rule. */
class ConfigSourcesRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    private List<String> readOrder(Config c) {
        return c.files().stream().map(p -> tree.root.relativize(p.toAbsolutePath().normalize()).toString()).toList();
    }

    // ---- 1. the command line --------------------------------------------------------------------------

    @Test
    void commandLineValuesAlwaysWin() {
        tree.file("mkosi.conf", "[Distribution]", "Distribution=debian", "[Runtime]", "RAM=1G")
                .file("mkosi.local.conf", "[Runtime]", "RAM=2G")
                .file("mkosi.conf.d/90-last.conf", "[Runtime]", "RAM=3G");

        Config c = tree.load("RAM=8G", "Distribution=fedora");

        assertEquals("8G", c.get("RAM"));
        assertEquals("command line", c.origin("RAM").toString());
        assertEquals("fedora", c.distribution());
    }

    // ---- 2. mkosi.local.conf ------------------------------------------------------------------------------

    @Test
    void localConfRanksAboveEveryFileAndBelowCommandLine() {
        tree.file("mkosi.conf", "[Runtime]", "RAM=1G", "CPUs=1", "[Content]", "Hostname=files")
                .file("mkosi.conf.d/99-last.conf", "[Runtime]", "RAM=3G", "CPUs=3", "[Content]", "Hostname=conf-d")
                .file("mkosi.local.conf", "[Runtime]", "RAM=2G", "CPUs=2");

        Config c = tree.load("CPUs=4");

        assertEquals("2G", c.get("RAM"), "local beats every file, even ones read after it");
        assertEquals(tree.at("mkosi.local.conf", 2), c.origin("RAM").toString());
        assertEquals("4", c.get("CPUs"), "the command line beats local");
        assertEquals("conf-d", c.get("Hostname"), "what local does not set comes from the files");
    }

    @Test
    void localConfIsReadAfterTheTopMatchCheckAndBeforeMkosiConf() {
        tree.file("mkosi.conf", "[Match]", "Distribution=debian", "[Output]", "Format=tar")
                .file("mkosi.conf.d/10-a.conf", "[Runtime]", "CPUs=3")
                .file("mkosi.local.conf", "[Config]", "Include=probe.conf")
                .file("probe.conf", "[Match]", "Format=directory", "[Content]", "Packages=saw-default-format");

        Config c = tree.load();

        assertEquals(List.of("mkosi.conf", "mkosi.local.conf", "probe.conf", "mkosi.conf.d/10-a.conf"),
                readOrder(c));
        assertEquals(List.of("saw-default-format"), c.list("Packages"), "mkosi.conf's Format= was not read yet");
        assertEquals("tar", c.format());
    }

    @Test
    void localConfIsNotReadWhenTheTopMatchFails() {
        tree.file("mkosi.conf", "[Match]", "Distribution=fedora")
                .file("mkosi.local.conf", "[Runtime]", "RAM=2G");

        assertEquals("2G", tree.load("Distribution=fedora").get("RAM"));
        assertTrue(tree.load("Distribution=debian").isDefault("RAM"));
    }

    @Test
    void whatLocalConfIncludesRanksAsLocalToo() {
        tree.file("mkosi.local.conf", "[Config]", "Include=modules/kernel", "[Content]", "Packages=from-local")
                .file("modules/kernel/mkosi.conf", "[Runtime]", "RAM=6G", "[Content]", "Packages=from-kernel")
                .file("mkosi.conf", "[Runtime]", "RAM=1G", "[Content]", "Packages=from-files")
                .file("mkosi.conf.d/50-late.conf", "[Runtime]", "RAM=3G", "[Content]", "Packages=from-conf-d");

        Config c = tree.load("Packages=from-cli");

        assertEquals("6G", c.get("RAM"));
        assertEquals(List.of("from-files", "from-conf-d", "from-kernel", "from-local", "from-cli"),
                c.list("Packages"));
    }

    @Test
    void localDirectoryRanksLikeLocalConf() {
        tree.file("mkosi.conf", "[Runtime]", "RAM=1G")
                .file("mkosi.local/mkosi.conf", "[Runtime]", "RAM=2G")
                .file("mkosi.local/mkosi.conf.d/10-x.conf", "[Runtime]", "CPUs=7")
                .file("mkosi.conf.d/99-last.conf", "[Runtime]", "RAM=3G", "CPUs=3");

        Config c = tree.load();

        assertEquals("2G", c.get("RAM"));
        assertEquals("7", c.get("CPUs"));
    }

    // ---- 3. mkosi.conf, -C ----------------------------------------------------------------------------------

    @Test
    void mkosiConfOfTheChosenDirectoryIsRead() {
        tree.file("mkosi.conf", "[Runtime]", "RAM=1G").file("other/mkosi.conf", "[Runtime]", "RAM=9G");

        Config c = ConfigLoader.load(ConfigInput.of(tree.path("other")), ConfigTree.HOST);

        assertEquals("9G", c.get("RAM"));
        assertEquals(tree.path("other"), c.directory());
    }

    // ---- 4. mkosi.conf.d/ -------------------------------------------------------------------------------------

    @Test
    void confDIsReadAfterMkosiConf() {
        tree.file("mkosi.conf.d/10-a.conf", "[Runtime]", "RAM=2G").file("mkosi.conf", "[Runtime]", "RAM=1G");

        assertEquals("2G", tree.load().get("RAM"));
    }

    @Test
    void confDFilesAndSubdirectoriesAreReadInSortedNameOrder() {
        tree.file("mkosi.conf.d/30-c.conf", "[Content]", "Packages=c")
                .file("mkosi.conf.d/10-a.conf", "[Content]", "Packages=a")
                .file("mkosi.conf.d/20-b/mkosi.conf", "[Content]", "Packages=b")
                .file("mkosi.conf.d/20-b/mkosi.conf.d/1.conf", "[Content]", "Packages=b1")
                .file("mkosi.conf.d/15.conf", "[Content]", "Packages=a2");

        Config c = tree.load();

        assertEquals(List.of("a", "a2", "b", "b1", "c"), c.list("Packages"));
    }

    @Test
    void confDReadsOnlyDotConfFiles() {
        tree.file("mkosi.conf.d/10-a.conf", "[Content]", "Packages=a")
                .file("mkosi.conf.d/10-a.conf.orig", "[Content]", "Packages=orig")
                .file("mkosi.conf.d/README", "not an ini file");

        assertEquals(List.of("a"), tree.load().list("Packages"));
    }

    @Test
    void confDSubdirectoryIsReadLikeATopLevelDirectory() {
        tree.file("mkosi.conf.d/20-fedora/mkosi.conf", "[Match]", "Distribution=fedora", "[Content]",
                        "Packages=dnf")
                .file("mkosi.conf.d/20-fedora/mkosi.conf.d/10-more.conf", "[Content]", "Packages=fedora-more");

        assertEquals(List.of("dnf", "fedora-more"), tree.load("Distribution=fedora").list("Packages"));
        assertEquals(List.of(), tree.load("Distribution=debian").list("Packages"));
    }

    // ---- 5. Include= ------------------------------------------------------------------------------------------

    @Test
    void includeIsExpandedWhereItAppearsRelativeToTheDirectoryBeingParsed() {
        tree.file("mkosi.conf",
                        "[Content]",
                        "Packages=before",
                        "Hostname=before",
                        "[Config]",
                        "Include=conf/extra.conf",
                        "[Content]",
                        "Packages=after")
                // A plain included file does not change the parse's directory: conf/nested.conf is named from the top.
                .file("conf/extra.conf", "[Config]", "Include=conf/nested.conf", "[Content]", "Packages=extra")
                .file("conf/nested.conf", "[Content]", "Packages=nested", "Hostname=nested");

        Config c = tree.load();

        assertEquals(List.of("before", "nested", "extra", "after"), c.list("Packages"));
        assertEquals("nested", c.get("Hostname"));
    }

    @Test
    void includedDirectoryIsReadLikeATopLevelDirectory() {
        tree.file("mkosi.conf", "[Config]", "Include=modules/foo")
                .file("modules/foo/mkosi.conf", "[Content]", "Packages=foo")
                .file("modules/foo/mkosi.conf.d/20-fedora.conf", "[Match]", "Distribution=fedora", "[Content]",
                        "Packages=foo-fedora")
                .file("modules/foo/mkosi.conf.d/20-debian.conf", "[Match]", "Distribution=debian", "[Content]",
                        "Packages=foo-debian");

        Config c = tree.load("Distribution=fedora");

        assertEquals(List.of("foo", "foo-fedora"), c.list("Packages"));
        assertTrue(c.module("foo").orElseThrow().enabled());
    }

    @Test
    void includedPathIsReadOnce() throws Exception {
        tree.file("mkosi.conf", "[Config]", "Include=common.conf", "Include=modules/kernel", "Include=alias.conf")
                .file("mkosi.conf.d/10-again.conf", "[Config]", "Include=common.conf,modules/kernel")
                .file("common.conf", "[Content]", "Packages=common")
                .file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod");
        Files.createSymbolicLink(tree.path("alias.conf"), tree.path("common.conf"));

        Config c = tree.load();

        assertEquals(List.of("common", "kmod"), c.list("Packages"), "dedup is by real path (symlinks too)");
    }

    @Test
    void missingIncludeIsAnError() {
        tree.file("mkosi.conf", "[Content]", "Packages=a", "[Config]", "Include=modules/nope");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 4), e.origin().toString());
        assertEquals("Include", e.setting());
        assertTrue(e.getMessage().contains("modules/nope"), e.getMessage());
    }

    @Test
    void includeCycleIsAnError() {
        tree.file("mkosi.conf", "[Config]", "Include=a.conf")
                .file("a.conf", "[Config]", "Include=b.conf")
                .file("b.conf", "[Content]", "Packages=b", "[Config]", "Include=a.conf");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("b.conf", 4), e.origin().toString());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void includeOfAMkosiConfBeingReadIsACycle() {
        tree.file("mkosi.conf", "[Config]", "Include=conf/a.conf")
                .file("conf/a.conf", "[Config]", "Include=mkosi.conf");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("conf/a.conf", 2), e.origin().toString());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void includeInAnotherSectionIsAWarningAndStillIncludes() {
        tree.file("mkosi.conf", "[Content]", "Include=extra.conf").file("extra.conf", "[Runtime]", "RAM=5G");

        Config c = tree.load();

        assertEquals("5G", c.get("RAM"));
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith(tree.at("mkosi.conf", 2) + ": "), c.warnings().get(0));
    }

    @Test
    void commandLineIncludeIsReadLikeAFileInclude() {
        tree.file("mkosi.conf", "[Runtime]", "RAM=1G").file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod");

        Config c = tree.load("Include=modules/kernel");

        assertEquals(List.of("kmod"), c.list("Packages"));
        assertTrue(c.module("kernel").orElseThrow().enabled());
    }

    @Test
    void includeOfTheIncludingDirectoryIsACycle() {
        tree.file("mkosi.conf", "[Config]", "Include=modules/kernel")
                .file("modules/kernel/mkosi.conf", "[Config]", "Include=../..");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("modules/kernel/mkosi.conf", 2), e.origin().toString());
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void moduleFlagsComeFromIncludedDirectoriesAndModulesDirectory() {
        tree.file("mkosi.local.conf", "[Config]", "Include=modules/kernel")
                .file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod")
                .file("modules/foo/mkosi.conf", "[Content]", "Packages=foo");

        Config c = tree.load();

        assertTrue(c.module("kernel").orElseThrow().enabled());
        assertFalse(c.module("foo").orElseThrow().enabled(), "present but not included");
        assertEquals(List.of("kmod"), c.list("Packages"));
    }
}
