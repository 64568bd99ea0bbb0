package kimg.ui;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.InfoCmp;

/**
 * One self-rewriting line on a terminal: the current step, its elapsed seconds, how far it is and its latest
 * output. A timer redraws it when the seconds move, so the seconds move even while a child prints nothing (deleting a
 * tree, a quiet link): the user never sees more than a second of silence.
 */
public final class StatusLine implements AutoCloseable {
    /** Often enough that the seconds shown are never more than a quarter second late. */
    static final long TICK_MILLIS = 250;

    private final Terminal terminal;
    private final ScheduledExecutorService timer;
    private String step = "";
    private String last = "";
    private String progress = "";
    private Instant started = Instant.now();
    private boolean shown;
    /** The text last drawn: the timer redraws only when it changed (the seconds moved). */
    private String drawn = "";
    /** Set while a child owns the terminal (the guest console): no redraws until the next step. */
    private boolean released;

    StatusLine(Terminal terminal) {
        this.terminal = terminal;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kimg-status-line");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tickTimer, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
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
        progress = "";
        started = Instant.now();
        released = false;
        redraw();
    }

    synchronized void tick(String s, String line, String newProgress) {
        if (s.equals(step)) {
            last = line;
            progress = newProgress;
        }
        redraw();
    }

    /** The elapsed time of the current step, for its progress. */
    synchronized Duration elapsed() {
        return Duration.between(started, Instant.now());
    }

    private synchronized void tickTimer() {
        if (!released && !text().equals(drawn)) {
            redraw();
        }
    }

    private String text() {
        long secs = Duration.between(started, Instant.now()).toSeconds();
        return "[" + secs + "s] " + step + (progress.isEmpty() ? "" : " (" + progress + ")")
                + (last.isEmpty() ? "" : ": " + last.strip());
    }

    synchronized void redraw() {
        if (step.isEmpty()) {
            return;
        }
        String text = text();
        drawn = text;
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

    /** Stops redrawing until the next step starts (a child takes the terminal). */
    synchronized void release() {
        clear();
        released = true;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            clear();
        }
    }
}
