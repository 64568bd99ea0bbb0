package kimg.cli;

import static kimg.cli.ErrorLine.assertConfigError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import kimg.config.ConfigTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile or broken config input (issue 11, "Bad input" 8–10): whatever a file holds or is, kimg ends quickly
 * with exit 2 and one short printable line naming the file and line. Each test runs the real CLI in-process.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConfigInputLimitsTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    private KimgRun summary() {
        return KimgRun.in(dir, "-C", dir.toString(), "summary");
    }

    private void mkfifo(String rel) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", dir.resolve(rel).toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
    }

    // ---- 8: what Include= may read ------------------------------------------------------------------------

    @Test
    void includeOfFifoIsRefused() throws Exception {
        mkfifo("pipe.conf");
        tree.file("mkosi.conf", "[Config]", "Include=pipe.conf");

        assertConfigError(summary(), tree.at("mkosi.conf", 2) + ":", "Include=", "pipe.conf", "not a regular file");
    }

    @Test
    void fifoInConfDIsRefused() throws Exception {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc").dir("mkosi.conf.d");
        mkfifo("mkosi.conf.d/10-pipe.conf");

        assertConfigError(summary(), "10-pipe.conf:0:", "a FIFO");
    }

    @Test
    void includeOfDevZeroIsRefused() {
        tree.file("mkosi.conf", "[Config]", "Include=/dev/zero");

        assertConfigError(summary(), tree.at("mkosi.conf", 2) + ":", "/dev/zero", "not a regular file");
    }

    @Test
    void configFileOverOneMebibyteIsRefused() throws IOException {
        tree.file("mkosi.conf", "[Config]", "Include=big.conf");
        Files.write(dir.resolve("big.conf"), ("[Content]\nPackages=" + "a".repeat(2 << 20) + "\n")
                .getBytes(StandardCharsets.US_ASCII));

        assertConfigError(summary(), tree.at("big.conf", 0) + ":", "larger than 1 MiB");
    }

    @Test
    void deepIncludeChainIsBounded() {
        // 1,500 files each including the next overflowed the stack; the chain now stops at 64 and is named.
        for (int i = 0; i < 1500; i++) {
            tree.file("inc/" + i + ".conf", "[Config]", "Include=inc/" + (i + 1) + ".conf"); // relative to the parse: the top
        }
        tree.file("inc/1500.conf", "[Content]", "Packages=deep");
        tree.file("mkosi.conf", "[Config]", "Include=inc/0.conf");

        String err = assertConfigError(summary(), "Include=", "nested more than 64 deep",
                ". → mkosi.conf → inc/0.conf → … (60 more) → inc/61.conf → inc/62.conf");
        assertTrue(err.startsWith("kimg: error: " + tree.at("inc/61.conf", 2) + ":"), err);
    }

    @Test
    void includeCycleNamesTheChain() {
        tree.file("mkosi.conf", "[Config]", "Include=a.conf")
                .file("a.conf", "[Config]", "Include=b.conf")
                .file("b.conf", "[Content]", "Packages=b", "[Config]", "Include=a.conf");

        assertConfigError(summary(), tree.at("b.conf", 4) + ":", "Include= cycle: a.conf → b.conf → a.conf");
    }

    @Test
    void directorySymlinkCycleIsNamedAsADirectoryCycle() throws IOException {
        // mkosi.conf.d/loop points back at the project: not an Include= problem, and the message says so.
        tree.file("mkosi.conf", "[Content]", "Packages=gcc").dir("mkosi.conf.d");
        Files.createSymbolicLink(dir.resolve("mkosi.conf.d/loop"), Path.of(".."));

        String err = assertConfigError(summary(), "mkosi.conf.d/loop:0:",
                "directory cycle: . → mkosi.conf.d/loop (a link to .)");
        assertFalse(err.contains("Include="), err);
    }

    // ---- 9: bytes that are not text, paths the JDK cannot hold -------------------------------------------

    @Test
    void invalidUtf8NamesFileLineAndByte() throws IOException {
        byte[] head = "[Content]\nPackages=gcc\nHostname=b".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + 3];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xff;
        bytes[head.length + 1] = 'x';
        bytes[head.length + 2] = '\n';
        Files.write(dir.resolve("mkosi.conf"), bytes);

        assertConfigError(summary(), tree.at("mkosi.conf", 3) + ":", "not valid UTF-8", "0xFF",
                "byte offset " + head.length);
    }

    @Test
    void nulInAPathIsAConfigError() throws IOException {
        Files.writeString(dir.resolve("mkosi.conf"), "[Config]\nInclude=a\u0000b.conf\n");

        assertConfigError(summary(), tree.at("mkosi.conf", 2) + ":", "Include=", "a\\x00b.conf");
    }

    @Test
    void nulInAPathSettingIsAConfigError() throws IOException {
        Files.writeString(dir.resolve("mkosi.conf"), "[Content]\nExtraTrees=x\u0000y\n[Output]\nOutputDirectory=o\u0000\n");

        assertConfigError(summary(), tree.at("mkosi.conf", 2) + ":", "ExtraTrees=", "x\\x00y");
    }

    // ---- 10: what messages quote ----------------------------------------------------------------------------

    @Test
    void quotedTextIsCappedAndEscaped() throws IOException {
        // A line without '=': 1 MB of text with terminal escape codes used to be echoed whole.
        String hostile = "\u001b[31mRED\u001b]0;title\u0007" + "x".repeat((1 << 20) - 64);
        Files.writeString(dir.resolve("mkosi.conf"), "[Content]\n" + hostile + "\n");

        String err = assertConfigError(summary(), tree.at("mkosi.conf", 2) + ":", "\\x1b[31mRED\\x1b]0;title\\x07",
                "…");
        assertFalse(err.contains("\u001b"), err);
    }

    @Test
    void badValueIsCappedAndEscaped() throws IOException {
        Files.writeString(dir.resolve("mkosi.conf"), "[Content]\nAutologin=\u001b[2J" + "y".repeat(5000) + "\n");

        String err = assertConfigError(summary(), tree.at("mkosi.conf", 2) + ":", "Autologin=", "\\x1b[2J", "…");
        assertFalse(err.contains("\u001b"), err);
    }
}
