package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * INI corners where kimg reads a file exactly as mkosi v26's {@code parse_ini} and list parsers do. Each expected
 * value here was checked with the oracle ({@code /work/shared/oracle/mkosi-summary -C DIR}) on the same file.
 */
class IniEdgeCasesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    private void raw(String rel, String text) throws IOException {
        Files.writeString(dir.resolve(rel), text);
    }

    @Test
    void fileWhoseEveryLineIsIndentedIsDedented() {
        tree.file("mkosi.conf", "\t[Content]", "\tPackages=a", "\t  b", "\t[Runtime]", "\tRAM=3G");

        Config c = tree.load();

        assertEquals(List.of("a", "b"), c.list("Packages"));
        assertEquals("3G", c.get("RAM"));
        assertEquals(tree.at("mkosi.conf", 5), c.origin("RAM").toString());
    }

    @Test
    void indentedKeyRightAfterASectionHeaderIsAnAssignment() {
        // Only "  Packages=a" follows a header: an assignment. "  b" and "  Hostname=x" then continue it, since
        // an indented line after an assignment is a continuation (mkosi: Packages = a, b, Hostname=x).
        tree.file("mkosi.conf", "[Content]", "  Packages=a", "  b", "  Hostname=x", "[Runtime]", "    RAM=3G");

        Config c = tree.load();

        assertEquals(List.of("a", "b", "Hostname=x"), c.list("Packages"));
        assertEquals("kimg", c.get("Hostname"));
        assertEquals("3G", c.get("RAM"));
    }

    @Test
    void mixedTabAndSpaceIndentationHasNoCommonMarginAndIsNotDedented() {
        tree.file("mkosi.conf", "  [Content]", "\tPackages=a", "  Hostname=x");

        Config c = tree.load();

        assertEquals(List.of("a", "Hostname=x"), c.list("Packages"));
    }

    @Test
    void carriageReturnOnlyLineEndsAreLineEnds() throws IOException {
        raw("mkosi.conf", "  [Content]\r  Packages=a\r    b\r  Hostname=x\r  [Runtime]\r  RAM=3G\r");

        Config c = tree.load();

        assertEquals(List.of("a", "b"), c.list("Packages"));
        assertEquals("x", c.get("Hostname"));
        assertEquals("3G", c.get("RAM"));
        assertEquals(tree.at("mkosi.conf", 6), c.origin("RAM").toString());
    }

    @Test
    void crlfLineEndsAreLineEnds() throws IOException {
        raw("mkosi.conf", "[Content]\r\nPackages=gcc\r\n  vim\r\n[Runtime]\r\nRAM=3G\r\n");

        Config c = tree.load();

        assertEquals(List.of("gcc", "vim"), c.list("Packages"));
        assertEquals("3G", c.get("RAM"));
        assertEquals(tree.at("mkosi.conf", 5), c.origin("RAM").toString());
    }

    @Test
    void pythonsOtherLineBreaksEndLinesToo() throws IOException {
        // str.splitlines() also breaks at \f, \v and \x1c (mkosi: Packages=a, Hostname=y, RAM=1G).
        raw("mkosi.conf", "[Content]\fPackages=a\u000bHostname=y\u001c[Runtime]\nRAM=1G\n");

        Config c = tree.load();

        assertEquals(List.of("a"), c.list("Packages"));
        assertEquals("y", c.get("Hostname"));
        assertEquals("1G", c.get("RAM"));
    }

    @Test
    void noBreakSpaceIsWhitespaceAsInPython() {
        // mkosi strips with str.strip() and tests indentation with str.isspace(), both of which include U+00A0.
        tree.file("mkosi.conf", "[Content]", "Packages=a", "\u00a0b\u00a0", "Hostname=\u00a0x\u00a0");

        Config c = tree.load();

        assertEquals(List.of("a", "b"), c.list("Packages"));
        assertEquals("x", c.get("Hostname"));
    }

    @Test
    void semicolonIsNotACommentAsInMkosi() {
        // mkosi v26 strips only '#' comments: "; note" is a line without '=' ("must be followed by '='").
        tree.file("mkosi.conf", "[Content]", "; note", "Packages=gcc");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
        assertTrue(e.getMessage().contains("'; note'"), e.getMessage());
    }

    @Test
    void pathWithASpaceInAPathListIsOneItem() {
        tree.dir("my tree").dir("src/linux tree").file("post inst.sh", "#!/bin/sh");
        tree.file("mkosi.conf",
                "[Content]",
                "ExtraTrees=my tree:/opt/x,my tree",
                "PostInstallationScripts=post inst.sh",
                "[Build]",
                "BuildSources=src/linux tree:kernel",
                "[Runtime]",
                "RuntimeTrees=my tree:/srv/t:ro");

        Config c = tree.load();

        assertEquals(List.of(dir.resolve("my tree") + ":/opt/x", dir.resolve("my tree").toString()),
                c.list("ExtraTrees"));
        assertEquals(List.of(dir.resolve("post inst.sh").toString()), c.list("PostInstallationScripts"));
        assertEquals(List.of(dir.resolve("src/linux tree") + ":kernel"), c.list("BuildSources"));
        assertEquals(1, c.list("RuntimeTrees").size(), c.list("RuntimeTrees").toString());
    }

    @Test
    void quotedAndEscapedWordsSplitAsMkosiShlexSplitsThem() {
        tree.file("mkosi.conf",
                "[Runtime]",
                "QemuArgs=-drive \"file=/my dir/x.img\" -name a\\ b 's q' x\\\\y \"a\\\"b\" \"c\\$d\" \"\" e\tf",
                "[Build]",
                "Environment=\"A=b c\" D=e\\ f G='h i'");

        Config c = tree.load();

        assertEquals(List.of("-drive", "file=/my dir/x.img", "-name", "a b", "s q", "x\\y", "a\"b", "c\\$d", "e\tf"),
                c.list("QemuArgs"));
        assertEquals(List.of("A=b c", "D=e f", "G=h i"), c.list("Environment"));
    }

    @Test
    void continuationLinesParseInLinearTime() {
        // 200,000 continuation lines took minutes when each line re-copied the value; linear is ~0.1 s. The bound
        // is a hang guard for quadratic behaviour, 300 times the linear time so a loaded machine (load 30+ here
        // when several builds run) never trips it; speed itself is measured in bench/, not here.
        var sb = new StringBuilder("[Content]\nPackages=\n");
        for (int i = 0; i < 200_000; i++) {
            sb.append("    package").append(i).append('\n');
        }
        long t0 = System.nanoTime();
        IniFile ini = IniFile.parse(dir.resolve("mkosi.conf"), sb.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;

        var a = (IniFile.Assignment) ini.entries().get(1);
        assertEquals(200_000, a.value().split("\n").length);
        assertTrue(ms < 30_000, "200,000 continuation lines took " + ms + " ms");
    }

    @Test
    void continuationLinesLoadInLinearTime() {
        // Through the whole loader (splitting and item parsing too), as large as the 1 MiB file cap allows.
        var lines = new String[80_002];
        lines[0] = "[Content]";
        lines[1] = "Packages=";
        for (int i = 0; i < 80_000; i++) {
            lines[i + 2] = "  p" + i;
        }
        tree.file("mkosi.conf", lines);

        long t0 = System.nanoTime();
        Config c = tree.load();
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertEquals(80_000, c.list("Packages").size());
        assertTrue(ms < 30_000, "80,000 continuation lines took " + ms + " ms to load (a hang guard, as above)");
    }
}
