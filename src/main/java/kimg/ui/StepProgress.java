package kimg.ui;

import java.time.Duration;

/**
 * How far a long step is, read from its output lines (the kernel's make, mmdebstrap). The console feeds it every
 * line of the step it watches and shows {@link #status} on the status line and {@link #summary} on the step's
 * final line. Implementations are called from one thread at a time (the console's lock).
 */
public interface StepProgress {
    /** One line of the step's merged output. */
    void line(String line);

    /** A short text such as {@code 812/2034 objects, about 3m10s left}, or "" when there is nothing to say yet. */
    String status(Duration elapsed);

    /** What the step did, for its final line (e.g. {@code 2034 objects}), or "". */
    String summary();

    /**
     * Remaining time as {@code about 3m10s left}, from the rate so far: {@code done} of {@code total} units in
     * {@code elapsed}. Empty until a tenth of the work (or 5 s) gives a rate worth extrapolating.
     */
    static String eta(long done, long total, Duration elapsed) {
        if (done <= 0 || total <= done || (done * 10 < total && elapsed.toSeconds() < 5)) {
            return "";
        }
        long left = elapsed.toMillis() * (total - done) / done / 1000;
        return "about " + (left >= 60 ? left / 60 + "m" + String.format("%02d", left % 60) + "s" : left + "s")
                + " left";
    }
}
