package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE.md §1: file syntax. One test per rule. */
class FileSyntaxRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    @Test
    void sectionHeadersAndKeyValueLinesAssignSettings() {
        tree.file("mkosi.conf", "[Distribution]", "Distribution=fedora", "[Runtime]", "RAM=4G");

        Config c = tree.load();

        assertEquals("fedora", c.distribution());
        assertEquals("4G", c.get("RAM"));
        assertEquals(tree.at("mkosi.conf", 4), c.origin("RAM").toString());
    }

    @Test
    void settingOutsideASectionIsAnErrorAtFileAndLine() {
        tree.file("mkosi.conf", "# leading comment", "Distribution=fedora");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
        assertEquals("Distribution", e.setting());
        assertTrue(e.getMessage().contains("outside a section"), e.getMessage());
    }

    @Test
    void lineWithoutEqualsIsAnErrorAtFileAndLine() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "vim");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 3), e.origin().toString());
        assertTrue(e.getMessage().contains("vim"), e.getMessage());
    }

    @Test
    void emptySectionNameIsAnErrorAtFileAndLine() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "[ ]", "RAM=1G");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 3), e.origin().toString());
        assertTrue(e.getMessage().contains("empty section name"), e.getMessage());
    }

    @Test
    void unterminatedSectionHeaderIsAnErrorAtFileAndLine() {
        tree.file("mkosi.conf", "[Content", "Packages=gcc");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 1), e.origin().toString());
    }

    @Test
    void hashStartsACommentAnywhereOnALine() {
        tree.file("mkosi.conf",
                "# a whole-line comment",
                "[Content] # after a header",
                "Packages=gcc # Sanitizers",
                "Hostname=box#no space needed",
                "[Runtime]",
                "RAM=4G#");

        Config c = tree.load();

        assertEquals(List.of("gcc"), c.list("Packages"));
        assertEquals("box", c.get("Hostname"));
        assertEquals("4G", c.get("RAM"));
    }

    @Test
    void indentedLineContinuesThePreviousValue() {
        tree.file("mkosi.conf",
                "[Content]",
                "Packages=",
                "        gcc      # compiler",
                "        make",
                "\tstrace",
                "Hostname=box");

        Config c = tree.load();

        assertEquals(List.of("gcc", "make", "strace"), c.list("Packages"));
        assertEquals(tree.at("mkosi.conf", 2), c.values("Packages").get(2).origin().toString());
        assertEquals("box", c.get("Hostname"));
    }

    @Test
    void indentedLineWithoutASettingBeforeItIsAnError() {
        tree.file("mkosi.conf", "[Content]", "    gcc");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
    }

    @Test
    void sameKeyMayAppearManyTimesInOneFile() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "Packages=make", "Hostname=a", "Hostname=b");

        Config c = tree.load();

        assertEquals(List.of("gcc", "make"), c.list("Packages"));
        assertEquals("b", c.get("Hostname"));
    }

    @Test
    void blankLinesAreIgnored() {
        tree.file("mkosi.conf", "", "[Content]", "", "   ", "Packages=", "    gcc", "", "    make", "");

        Config c = tree.load();

        assertEquals(List.of("gcc", "make"), c.list("Packages"));
    }

    @Test
    void hostIsTheOldNameOfRuntimeAndIsAccepted() {
        tree.file("mkosi.conf", "[Host]", "QemuArgs=-s", "RAM=3G");

        Config c = tree.load();

        assertEquals(List.of("-s"), c.list("QemuArgs"));
        assertEquals("3G", c.get("RAM"));
        // mkosi v26 says so for each setting ("should be configured in [Runtime], not [Host]").
        assertEquals(2, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().stream().allMatch(w -> w.contains("[Runtime], not [Host]")), c.warnings().toString());
    }

    @Test
    void includeSectionIsAcceptedForInclude() {
        tree.file("mkosi.conf", "[Include]", "Include=extra.conf").file("extra.conf", "[Runtime]", "RAM=5G");

        assertEquals("5G", tree.load().get("RAM"));
    }

    @Test
    void unknownSettingIsAWarningNamingFileAndLine() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "Pakages=make");

        Config c = tree.load();

        assertEquals(List.of("gcc"), c.list("Packages"));
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith(tree.at("mkosi.conf", 3) + ": "), c.warnings().get(0));
        assertTrue(c.warnings().get(0).contains("Pakages"), c.warnings().get(0));
    }

    @Test
    void settingInTheWrongSectionIsAWarningNamingFileAndLine() {
        tree.file("mkosi.conf", "[Content]", "RAM=4G");

        Config c = tree.load();

        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith(tree.at("mkosi.conf", 2) + ": "), c.warnings().get(0));
        assertTrue(c.warnings().get(0).contains("[Runtime]"), c.warnings().get(0));
    }

    @Test
    void unknownSectionIsAWarningNamingFileAndLine() {
        tree.file("mkosi.conf", "[Contents]", "Packages=gcc");

        Config c = tree.load();

        assertEquals(List.of(), c.list("Packages"));
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        assertTrue(c.warnings().get(0).startsWith(tree.at("mkosi.conf", 2) + ": "), c.warnings().get(0));
        assertTrue(c.warnings().get(0).contains("Contents"), c.warnings().get(0));
    }
}
