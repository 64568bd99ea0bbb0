package kimg.ui;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/** One self-rewriting line on a terminal: the current step, its elapsed time and its latest output. */
public final class StatusLine {
    private final Terminal terminal;
    private String step = "";
    private String last = "";
    private Instant started = Instant.now();
    private boolean shown;

    private StatusLine(Terminal terminal) {
        this.terminal = terminal;
    }

    /** Opens the terminal, or returns null when there is none (then plain lines are used). */
    static StatusLine open() {
        try {
            Terminal t = TerminalBuilder.builder().system(true).dumb(false).build();
            if (Terminal.TYPE_DUMB.equals(t.getType()) || Terminal.TYPE_DUMB_COLOR.equals(t.getType())) {
                t.close();
                return null;
            }
            return new StatusLine(t);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    synchronized void show(String newStep) {
        step = newStep;
        last = "";
        started = Instant.now();
        redraw();
    }

    synchronized void tick(String s, String line) {
        if (s.equals(step)) {
            last = line;
        }
        redraw();
    }

    synchronized void redraw() {
        if (step.isEmpty()) {
            return;
        }
        long secs = Duration.between(started, Instant.now()).toSeconds();
        String text = "[" + secs + "s] " + step + (last.isEmpty() ? "" : ": " + last.strip());
        int width = Math.max(20, terminal.getWidth() - 1);
        if (text.length() > width) {
            text = text.substring(0, width);
        }
        terminal.writer().print("\r" + text);
        terminal.puts(InfoCmp.Capability.clr_eol);
        terminal.flush();
        shown = true;
    }

    synchronized void clear() {
        if (shown) {
            terminal.writer().print("\r");
            terminal.puts(InfoCmp.Capability.clr_eol);
            terminal.flush();
            shown = false;
        }
    }
}
