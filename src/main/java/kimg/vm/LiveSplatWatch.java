package kimg.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kimg.exec.Exec;
import kimg.ui.Console;

/**
 * kimg qemu's splat triage while the guest runs. The terminal belongs to QEMU (stdio is inherited), so kimg reads
 * the same bytes from the console log QEMU writes beside it ({@code logfile=} of the stdio chardev), follows that
 * file from a thread of its own and feeds it to a {@link SplatDetector}; as soon as a report ends it is decoded and
 * saved ({@link SplatTriage}, as for run) and named in one line on kimg's console ({@link #note}), while the user's
 * session goes on. The decoder's own steps are kept off the terminal (they still have their logs).
 *
 * <p>Use: {@link #start}, then {@link #finish} when QEMU has exited (it reads the log to its end, so a report the
 * console's end cut short, such as a panic's, is triaged too); {@link #close} stops the thread in any case.
 */
public final class LiveSplatWatch implements AutoCloseable {
    /** How often the log is looked at for new bytes: a note comes at most this much after the report ended. */
    static final Duration POLL = Duration.ofMillis(150);
    /** Longer console lines are cut: no kernel report line comes near it. */
    static final int MAX_LINE_BYTES = 64 * 1024;
    /** The prefix of every note, so a reader can tell kimg's line from the guest's. */
    static final String NOTE_PREFIX = "kimg: splat: ";

    private final Path log;
    private final BootInputs inputs;
    private final Console console;
    private final Exec quiet;
    /** Reports that ended and wait for their triage (the detector runs on the watch's thread, as the triage). */
    private final java.util.ArrayDeque<Splat> pending = new java.util.ArrayDeque<>();
    private final SplatDetector detector = new SplatDetector(pending::add);
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<SplatTriage.Triaged> triaged = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile boolean abandoned;
    private int seen;
    /** Whether the console's last byte ended a line: a note then needs no line break of its own first. */
    private boolean atLineStart = true;
    private RuntimeException failure;

    private LiveSplatWatch(Path log, BootInputs inputs, Exec exec) {
        this.log = log;
        this.inputs = inputs;
        this.console = exec.console();
        this.quiet = new Exec(exec.logs(), new Quiet(this));
        this.thread = new Thread(this::follow, "kimg-splat-watch");
        thread.setDaemon(true);
    }

    /** Starts following {@code log} (which exists; QEMU truncates and appends to it) from its first byte. */
    public static LiveSplatWatch start(Path log, BootInputs inputs, Exec exec) {
        var watch = new LiveSplatWatch(log, inputs, exec);
        watch.thread.start();
        return watch;
    }

    /**
     * Reads the rest of the log, ends the report still open and waits for its triage; call once QEMU has exited.
     *
     * @return every splat decoded and saved this boot, in order (the first {@value SplatTriage#MAX_DECODED})
     */
    public List<SplatTriage.Triaged> finish() {
        stopping = true;
        join();
        synchronized (this) {
            if (failure != null) {
                // QEMU's exit status matters more than the watch: say what went wrong and carry on.
                console.warn("the console's splat watch stopped: " + failure.getMessage() + " (console log: " + log
                        + ")");
            }
            if (seen > triaged.size()) {
                console.warn((seen - triaged.size()) + " more splats, not decoded (see the console log: " + log + ")");
            }
            return List.copyOf(triaged);
        }
    }

    /** Stops the thread without triaging what is left (kimg is failing or interrupted). */
    @Override
    public void close() {
        abandoned = true;
        stopping = true;
        join();
    }

    private void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            abandoned = true;
            thread.interrupt();
            Thread.currentThread().interrupt();
        }
    }

    private void follow() {
        try (FileChannel in = FileChannel.open(log, StandardOpenOption.READ)) {
            while (!abandoned) {
                // Read the flag before the file: after it is set, one more read gets everything QEMU wrote.
                boolean last = stopping;
                drain(in);
                triagePending(in);
                if (last) {
                    break;
                }
                Thread.sleep(POLL.toMillis());
            }
            if (!abandoned) {
                if (partial.size() > 0) {
                    line();
                }
                detector.finish();
                triagePending(in);
            }
        } catch (IOException e) {
            fail(new UncheckedIOException(e));
        } catch (InterruptedException e) {
            // close() while kimg stops: nothing more to do.
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Feeds everything QEMU has written so far to the detector (which queues the reports that end in it). */
    private void drain(FileChannel in) throws IOException {
        int n;
        while (!abandoned && (n = in.read(buffer.clear())) > 0) {
            consume(buffer.array(), n);
        }
    }

    /**
     * Triages the reports that ended, one by one; before each note the log is read again, so the note knows
     * where the terminal's cursor is now (decoding takes a while; the guest printed on meanwhile).
     */
    private void triagePending(FileChannel in) throws IOException {
        Splat splat;
        while (!abandoned && (splat = pending.poll()) != null) {
            String message = triage(splat);
            drain(in);
            if (message != null) {
                note(message);
            }
        }
    }

    private synchronized void fail(RuntimeException e) {
        failure = e;
    }

    private void consume(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            atLineStart = b == '\n';
            if (b == '\n') {
                line();
            } else {
                partial.write(b);
                if (partial.size() >= MAX_LINE_BYTES) {
                    // A guest printing without line ends (a runaway loop) must not grow kimg's memory.
                    line();
                }
            }
        }
    }

    /** One console line; a guest may print any bytes, so undecodable ones are replaced. */
    private void line() {
        String text = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        detector.accept(text);
    }

    /** Decodes and saves a report that ended; returns its note (null past the first few). */
    private String triage(Splat splat) {
        int number;
        synchronized (this) {
            number = ++seen;
        }
        try {
            var t = SplatTriage.triage(splat, number, inputs, quiet);
            if (t.isEmpty()) {
                return null;
            }
            synchronized (this) {
                triaged.add(t.get());
            }
            return t.get().summary() + (t.get().wasDecoded() ? ", decoded: " : ", saved (not decoded): ")
                    + t.get().file();
        } catch (RuntimeException e) {
            // One report that cannot be saved must not end the watch over the rest of the session.
            return "kernel " + splat.kind().label + " not saved: " + e.getMessage();
        }
    }

    /** One line among the guest's: on a line of its own even when the guest is mid-line (a shell prompt). */
    void note(String message) {
        console.aside((atLineStart ? "" : "\n") + NOTE_PREFIX + message);
    }

    /**
     * The console of the decoder's steps: their start and end lines would land between the guest's lines, so they
     * go nowhere (each step keeps its log); a warning (no vmlinux, the decoder failed) is a note.
     */
    private static final class Quiet extends Console {
        private final LiveSplatWatch watch;

        Quiet(LiveSplatWatch watch) {
            super(new PrintStream(java.io.OutputStream.nullOutputStream()), false, false, null);
            this.watch = watch;
        }

        @Override
        public void warn(String message) {
            watch.note(message);
        }

        @Override
        public void error(String message) {
            watch.note(message);
        }
    }
}
