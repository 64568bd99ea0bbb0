package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

/** What every configuration error must look like on stderr: one short printable line naming file:line. */
final class ErrorLine {
    static final int MAX_CHARS = 300;
    /** "kimg: error: /some/file:12: ..." (a line number, 0 for the file as a whole). */
    static final Pattern FILE_LINE = Pattern.compile("^kimg: error: /.*:\\d+: .*");

    private ErrorLine() {}

    /** Exit 2, one line on stderr of at most 300 printable characters, naming file:line and each fragment. */
    static String assertConfigError(KimgRun run, String... fragments) {
        assertEquals(2, run.status(), () -> abbreviated(run));
        String line = problem(run);
        assertTrue(line == null, () -> line + "\n" + abbreviated(run));
        String err = run.errLines().get(0);
        for (String f : fragments) {
            assertTrue(err.contains(f), () -> "'" + f + "' missing in: " + err);
        }
        return err;
    }

    /** Null when {@code run} failed as a config error must; otherwise what is wrong with its output. */
    static String problem(KimgRun run) {
        if (run.err().contains("Exception") || run.err().contains("\tat ")) {
            return "a stack trace or exception name";
        }
        var lines = run.err().lines()
                .filter(l -> !l.isBlank() && !l.startsWith("warning: ") && !l.startsWith("kimg: warning: ")).toList();
        if (lines.size() != 1) {
            return lines.size() + " error lines instead of one";
        }
        String err = lines.get(0);
        if (err.length() > MAX_CHARS) {
            return "error line of " + err.length() + " characters";
        }
        if (err.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return "control characters in the error line";
        }
        if (!FILE_LINE.matcher(err).matches()) {
            return "no file:line in: " + err;
        }
        return null;
    }

    static String abbreviated(KimgRun run) {
        String s = run.toString();
        return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
    }
}
