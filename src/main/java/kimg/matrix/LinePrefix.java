package kimg.matrix;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Bytes written become whole lines on {@code target}, each starting with {@code prefix}: the progress of guests that
 * run side by side stays readable (a line is printed under the target's lock, never interleaved mid-line).
 */
final class LinePrefix extends OutputStream {
    private final PrintStream target;
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LinePrefix(PrintStream target, String prefix) {
        this.target = target;
        this.prefix = prefix;
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            emit();
        } else {
            line.write(b);
        }
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        synchronized (target) {
            target.println(prefix + text);
        }
    }

    /** A last line without its newline is printed too. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) {
            emit();
        }
    }
}
