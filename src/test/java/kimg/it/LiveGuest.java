package kimg.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.vm.BootInputs;
import kimg.vm.VmRunner;

/**
 * A guest that keeps running while the host works, driven through a shared control directory: the guest command
 * ({@link #guestCommand}) runs a setup line, then waits for {@code step-N} files to appear in the control share and
 * runs each with sh, printing {@code KIMG-STEP-DONE-N:<status>} after it; a {@code stop} file ends it. The host
 * writes each step with a rename, so the guest never runs a half-written script. The control share is a
 * RuntimeTrees= entry, served with cache=none, so a new file is seen at the next poll.
 *
 * <p>The guest gives up by itself after {@code maxSeconds}, so a test that dies before {@link #close} never leaves
 * a guest polling forever (the JVM's shutdown hook would kill QEMU anyway).
 */
public final class LiveGuest implements AutoCloseable {
    public static final String GUEST_CONTROL = "/mnt/kimg-control";
    static final String READY = "KIMG-GUEST-READY";

    private final Path control;
    private final CompletableFuture<Integer> status;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private int step;

    private LiveGuest(Path control, Config config, Exec exec, BootInputs inputs, String setup, int maxSeconds) {
        this.control = control;
        var console = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                LiveGuest.this.accept((byte) b);
            }
        }, true, StandardCharsets.UTF_8);
        this.status = CompletableFuture.supplyAsync(() -> {
            try {
                return VmRunner.run(config, exec, inputs, List.of("sh", "-c", guestCommand(setup, maxSeconds)), console)
                        .commandStatusOrFail();
            } finally {
                synchronized (lines) {
                    lines.notifyAll();
                }
            }
        });
    }

    /**
     * Boots and waits until {@code setup} ran in the guest (it must succeed).
     *
     * @param control a host directory that {@code config} shares at {@link #GUEST_CONTROL} (RuntimeTrees=)
     */
    public static LiveGuest start(Path control, Config config, Exec exec, BootInputs inputs, String setup,
            int maxSeconds, Duration bootTimeout) {
        var guest = new LiveGuest(control, config, exec, inputs, setup, maxSeconds);
        try {
            guest.awaitLine(l -> l.equals(READY), bootTimeout);
        } catch (RuntimeException | Error e) {
            guest.close();
            throw e;
        }
        return guest;
    }

    /** The guest's loop, as the command for {@code sh -c}. */
    static String guestCommand(String setup, int maxSeconds) {
        String c = GUEST_CONTROL;
        return "set -u; " + setup + " || { echo KIMG-GUEST-SETUP-FAILED; exit 97; }; echo " + READY + "; "
                + "n=1; waited=0; "
                + "while [ ! -e " + c + "/stop ]; do "
                + "  if [ -e " + c + "/step-$n ]; then sh " + c + "/step-$n; echo KIMG-STEP-DONE-$n:$?; n=$((n+1)); "
                + "  else sleep 0.1; waited=$((waited+1)); [ $waited -lt " + maxSeconds * 10 + " ] || exit 98; fi; "
                + "done";
    }

    /**
     * Runs a shell script in the guest and waits for it to end.
     *
     * @return the console lines the step printed (kernel messages printed meanwhile included), and its status
     */
    public Step run(String script, Duration timeout) {
        int n;
        int from;
        synchronized (lines) {
            n = ++step;
            from = lines.size();
        }
        try {
            Path tmp = control.resolve(".step-" + n + ".tmp");
            Files.writeString(tmp, script + "\n");
            Files.move(tmp, control.resolve("step-" + n), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String done = "KIMG-STEP-DONE-" + n + ":";
        int at = awaitLine(l -> l.startsWith(done), timeout);
        synchronized (lines) {
            return new Step(Integer.parseInt(lines.get(at).substring(done.length()).strip()),
                    List.copyOf(lines.subList(from, at)));
        }
    }

    /** What a step printed and its exit status. */
    public record Step(int status, List<String> output) {
        public String text() {
            return String.join("\n", output);
        }
    }

    /** Everything the console printed so far. */
    public String console() {
        synchronized (lines) {
            return String.join("\n", lines) + "\n" + partial;
        }
    }

    /** Asks the guest to end and waits for QEMU to exit; returns the guest command's status. */
    public int stop(Duration timeout) {
        try {
            Files.writeString(control.resolve("stop"), "");
            return status.get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the guest did not stop within " + timeout + ":\n" + console());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!status.isDone()) {
            try {
                stop(Duration.ofSeconds(60));
            } catch (RuntimeException | AssertionError e) {
                // Best effort: the guest exits by itself after maxSeconds, and the JVM's hook kills QEMU.
            }
        }
    }

    private void accept(byte b) {
        synchronized (lines) {
            if (b == '\n') {
                String line = partial.toString();
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                lines.add(line);
                partial.setLength(0);
                lines.notifyAll();
            } else {
                partial.append((char) (b & 0xff));
            }
        }
    }

    /** Waits for a console line matching {@code wanted}; fails when the guest ends first or time runs out. */
    private int awaitLine(java.util.function.Predicate<String> wanted, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    if (wanted.test(lines.get(seen))) {
                        return seen;
                    }
                }
                if (status.isDone()) {
                    throw new AssertionError("the guest ended (" + status.handle((s, e) -> e != null ? e.toString()
                            : "status " + s).join() + ") before the expected line:\n" + console());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no expected console line within " + timeout + ":\n" + console());
                }
                try {
                    lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
