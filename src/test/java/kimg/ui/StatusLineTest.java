package kimg.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

/** The status line on a fake xterm (jline over byte streams): it ticks on its own and shows a step's progress. */
class StatusLineTest {
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();

    private Terminal xterm() throws IOException {
        return TerminalBuilder.builder().system(false).type("xterm").streams(new ByteArrayInputStream(new byte[0]),
                screen).size(new Size(120, 24)).encoding(StandardCharsets.UTF_8).build();
    }

    private String screen() {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void aSilentStepStillTicksEverySecond() throws Exception {
        var lines = new ByteArrayOutputStream();
        try (var status = new StatusLine(xterm())) {
            var console = new Console(new PrintStream(lines, true, StandardCharsets.UTF_8), false, false, status);
            console.stepStarted("removing the old image");
            Thread.sleep(2600);
            String shown = screen();
            // No child printed anything, yet the elapsed seconds moved: 0s at the start, then 1s and 2s.
            assertTrue(shown.contains("[0s] removing the old image"), shown);
            assertTrue(shown.contains("[1s] removing the old image"), shown);
            assertTrue(shown.contains("[2s] removing the old image"), shown);
            console.stepFinished("removing the old image", Duration.ofMillis(2600), 0);
            int before = screen().length();
            Thread.sleep(1300);
            assertEquals(before, screen().length(), "no redraw between steps");
        }
        assertTrue(lines.toString(StandardCharsets.UTF_8).contains("✓ removing the old image (2.6s)"));
    }

    @Test
    void aWatchedStepShowsHowFarItIsAndSumsUpAtTheEnd() throws Exception {
        var lines = new ByteArrayOutputStream();
        try (var status = new StatusLine(xterm())) {
            var console = new Console(new PrintStream(lines, true, StandardCharsets.UTF_8), false, false, status);
            console.watch("count", new StepProgress() {
                int n;

                public void line(String line) {
                    n++;
                }

                public String status(Duration elapsed) {
                    return n + "/4 lines";
                }

                public String summary() {
                    return n + " lines";
                }
            });
            console.stepStarted("count");
            console.stepOutput("count", "one");
            console.stepOutput("count", "two");
            assertTrue(screen().contains("count (2/4 lines): two"), screen());
            console.stepFinished("count", Duration.ofSeconds(3), 0);
            // The watch ends with its step.
            console.stepStarted("count");
            console.stepOutput("count", "again");
            console.stepFinished("count", Duration.ofSeconds(1), 0);
        }
        String out = lines.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("✓ count (3.0s, 2 lines)"), out);
        assertTrue(out.contains("✓ count (1.0s)"), out);
    }

    @Test
    void aReleasedTerminalIsLeftAloneUntilTheNextStep() throws Exception {
        try (var status = new StatusLine(xterm())) {
            var console = new Console(new PrintStream(new ByteArrayOutputStream()), false, false, status);
            console.stepStarted("qemu");
            console.release();
            int before = screen().length();
            Thread.sleep(1300);
            assertEquals(before, screen().length(), "the guest console owns the terminal");
            assertFalse(screen().substring(before).contains("[1s]"));
        }
    }

    @Test
    void etaExtrapolatesTheRateSoFar() {
        assertEquals("", StepProgress.eta(0, 100, Duration.ofSeconds(10)));
        assertEquals("", StepProgress.eta(5, 100, Duration.ofSeconds(1)), "too early to say");
        assertEquals("about 30s left", StepProgress.eta(25, 100, Duration.ofSeconds(10)));
        assertEquals("about 1m30s left", StepProgress.eta(10, 100, Duration.ofSeconds(10)));
        assertEquals("about 1m05s left", StepProgress.eta(40, 53, Duration.ofSeconds(200)));
        assertEquals("", StepProgress.eta(100, 100, Duration.ofSeconds(10)), "done or past the estimate");
    }
}
