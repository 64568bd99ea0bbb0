package kimg.ui;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Everything kimg tells the user goes through here. On a terminal the current step and its elapsed time sit on
 * one status line (see {@link StatusLine}); elsewhere (CI, pipes) each event is a plain timestamped line, so logs
 * stay greppable.
 */
public class Console {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintStream out;
    private final boolean debug;
    private final boolean verbose;
    private final StatusLine status;
    /** The progress readers of steps being watched, by step name (see {@link #watch}). */
    private final java.util.Map<String, StepProgress> watched = new java.util.HashMap<>();

    public Console(PrintStream out, boolean debug, boolean verbose, StatusLine status) {
        this.out = out;
        this.debug = debug;
        this.verbose = verbose;
        this.status = status;
    }

    /** A plain console for tests and non-interactive use. */
    public static Console plain(PrintStream out) {
        return new Console(out, false, false, null);
    }

    /** Chooses a status line when {@code err} is the process's stderr on a terminal, plain lines otherwise. */
    public static Console forTerminal(boolean debug, PrintStream err) {
        boolean tty = err == System.err && System.console() != null && System.getenv("CI") == null;
        return new Console(err, debug, debug, tty ? StatusLine.open() : null);
    }

    public boolean debug() {
        return debug;
    }

    /**
     * Reads the output of the next step named {@code step} with {@code progress}: how far it is goes on the status
     * line, its summary on the step's final line. The watch ends with that step.
     */
    public synchronized void watch(String step, StepProgress progress) {
        watched.put(step, progress);
    }

    public synchronized void stepStarted(String step) {
        if (status != null) {
            status.show(step);
        } else {
            out.println(stamp() + " ▶ " + step);
        }
    }

    /** A line of a running step's output: shown only with --debug (it is always in the step's log). */
    public synchronized void stepOutput(String step, String line) {
        StepProgress progress = watched.get(step);
        if (progress != null) {
            progress.line(line);
        }
        if (status != null) {
            status.tick(step, line, progress == null ? "" : progress.status(status.elapsed()));
        }
        if (verbose) {
            print("  " + line);
        }
    }

    public synchronized void stepFinished(String step, Duration took, int exit) {
        String secs = String.format("%.1fs", took.toMillis() / 1000.0);
        if (status != null) {
            status.show(""); // the step is over: nothing to redraw until the next one starts
        }
        StepProgress progress = watched.remove(step);
        String summary = progress == null ? "" : progress.summary();
        print(stamp() + (exit == 0 ? " ✓ " : " ✗ ") + step + " (" + secs + (summary.isEmpty() ? "" : ", " + summary)
                + (exit == 0 ? "" : ", exit " + exit) + ")");
    }

    public synchronized void command(String rendered) {
        if (debug) {
            print(stamp() + " $ " + rendered);
        }
    }

    public synchronized void info(String message) {
        print(stamp() + " " + message);
    }

    public synchronized void warn(String message) {
        print("warning: " + message);
    }

    public synchronized void error(String message) {
        print("error: " + message);
    }

    /**
     * A line said while a child owns the terminal (kimg qemu's note of a kernel splat between guest console lines):
     * printed as it is, no prefix or time stamp; it may start with a line break to leave a half-written line alone.
     */
    public synchronized void aside(String line) {
        print(line);
    }

    /** Hands the terminal to a child (the guest's serial console) and takes it back afterwards. */
    public synchronized void release() {
        if (status != null) {
            status.release();
        }
    }

    private void print(String line) {
        if (status != null) {
            status.clear();
        }
        out.println(line);
        out.flush();
        if (status != null) {
            status.redraw();
        }
    }

    private static String stamp() {
        return LocalTime.now().format(TIME);
    }
}
