package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch over a console log that grows as QEMU writes it (here: the test appends recorded consoles): a report
 * is triaged and named while the log is still open, on a line of its own, without the decoder's step lines; what
 * the end of the console cuts short is triaged by {@link LiveSplatWatch#finish}.
 */
class LiveSplatWatchTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream said = new ByteArrayOutputStream();

    @Test
    void aReportIsNamedAsSoonAsItEndsAndTheCutShortOneAtTheEnd() throws Exception {
        Path log = Files.createFile(dir.resolve("console.log"));
        List<String> warning = Files.readAllLines(SplatDetectorTest.SPLATS.resolve("lkdtm-warning.console"));
        int end = indexOf(warning, "---[ end trace");
        Exec exec = new Exec(new StepLogs(dir.resolve("logs")), Console.plain(new PrintStream(said, true,
                StandardCharsets.UTF_8)));
        try (LiveSplatWatch watch = LiveSplatWatch.start(log, inputs(), exec)) {
            // The report up to its end marker, then a shell prompt with no line end yet.
            append(log, String.join("\r\n", warning.subList(0, end + 1)) + "\r\nroot@kimg-it:~# ");
            String note = awaitSaid("kimg: splat: kernel WARNING in lkdtm_WARNING at drivers/misc/lkdtm/bugs.c:85");
            assertTrue(note.contains("\nkimg: splat: kernel WARNING in lkdtm_WARNING"), "starts a line of its own: " + note);
            assertFalse(note.contains("decode-splat"), "the decoder's step lines stay off the terminal: " + note);

            // A panic: with panic=-1 the guest is gone before the kernel prints the end marker.
            append(log, "\r\n" + String.join("\r\n",
                    Files.readAllLines(SplatDetectorTest.SPLATS.resolve("lkdtm-panic.console"))) + "\r\n");
            List<SplatTriage.Triaged> triaged = watch.finish();
            assertEquals(List.of(SplatKind.WARNING, SplatKind.PANIC),
                    triaged.stream().map(t -> t.splat().kind()).toList());
            assertTrue(triaged.get(0).wasDecoded());
            assertTrue(Files.readString(triaged.get(0).file()).contains("lkdtm_WARNING (drivers/misc/lkdtm/bugs.c:85)"));
            assertTrue(triaged.get(1).file().getFileName().toString().endsWith("-splat-2-panic.log"),
                    triaged.get(1).file()::toString);
            assertTrue(said().contains("kimg: splat: kernel panic"), said());
        }
    }

    @Test
    void withoutAVmlinuxTheReportIsSavedAsPrinted() throws Exception {
        Path log = Files.createFile(dir.resolve("console.log"));
        Exec exec = new Exec(new StepLogs(dir.resolve("logs")), Console.plain(new PrintStream(said, true,
                StandardCharsets.UTF_8)));
        try (LiveSplatWatch watch = LiveSplatWatch.start(log, new BootInputs(dir.resolve("bzImage"), null, dir, null,
                null, null, List.of()), exec)) {
            append(log, Files.readString(SplatDetectorTest.SPLATS.resolve("lkdtm-bug.console")));
            awaitSaid(", saved (not decoded): ");
            assertTrue(said().contains("kimg: splat: splat-1-bug not decoded: this boot has no vmlinux"), said());
            assertFalse(watch.finish().get(0).wasDecoded());
        }
    }

    /**
     * A kernel tree whose decode_stacktrace.sh only rewrites the one frame of the recording, as the real one
     * would (the real one, on a real vmlinux, is SplatTriageIT's).
     */
    private BootInputs inputs() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("linux/scripts"));
        Path script = tree.resolve("decode_stacktrace.sh");
        Files.writeString(script, "#!/bin/sh\nsed 's|lkdtm_WARNING+0x13/0x20 \\[lkdtm\\]|lkdtm_WARNING"
                + " (drivers/misc/lkdtm/bugs.c:85) [lkdtm]|'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path vmlinux = Files.writeString(Files.createDirectories(dir.resolve("build")).resolve("vmlinux"), "");
        return new BootInputs(dir.resolve("build/bzImage"), null, dir, vmlinux, tree.getParent(), null, List.of());
    }

    private static void append(Path log, String text) throws IOException {
        Files.writeString(log, text, StandardOpenOption.APPEND);
    }

    private String said() {
        return said.toString(StandardCharsets.UTF_8);
    }

    /** Everything said so far, once it holds {@code text}; the watch polls, so a few seconds at most. */
    private String awaitSaid(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!said().contains(text)) {
            assertTrue(System.nanoTime() < deadline, "never said '" + text + "'; said:\n" + said());
            Thread.sleep(20);
        }
        return said();
    }

    private static int indexOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(start)) {
                return i;
            }
        }
        throw new AssertionError("no line with " + start);
    }
}
