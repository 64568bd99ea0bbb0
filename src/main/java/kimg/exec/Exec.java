package kimg.exec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import kimg.ui.Console;

/**
 * The only place kimg starts processes. Each step's merged stdout/stderr goes to its own log file and, line by
 * line, to the console; a non-zero exit becomes {@link StepFailed} with the last lines and the log path. Every
 * child is registered with {@link ChildProcesses} so it dies with kimg.
 */
public final class Exec {
    static final int TAIL_LINES = 20;

    private final StepLogs logs;
    private final Console console;

    public Exec(StepLogs logs, Console console) {
        this.logs = logs;
        this.console = console;
    }

    public StepLogs logs() {
        return logs;
    }

    public Console console() {
        return console;
    }

    /** What a finished step produced. {@code output} holds every line only when it was asked for. */
    public record Result(int exitStatus, Path log, Duration took, List<String> output) {
        public String text() {
            return String.join("\n", output);
        }
    }

    /** Runs a step to completion; throws {@link StepFailed} on a non-zero exit. */
    public Result run(String step, Cmd cmd) {
        return run(step, cmd, false, true, null, null);
    }

    /** Runs a step and keeps its output lines (for small outputs such as `make -s kernelrelease`). */
    public Result capture(String step, Cmd cmd) {
        return run(step, cmd, true, true, null, null);
    }

    /**
     * Runs a step with {@code input} as its stdin and keeps its output lines, whatever the exit status (a filter
     * such as decode_stacktrace.sh reading a splat).
     */
    public Result filter(String step, Cmd cmd, Path input) {
        return run(step, cmd, true, false, null, null, input);
    }

    /** Runs a step and returns its result whatever the exit status. */
    public Result runUnchecked(String step, Cmd cmd) {
        return run(step, cmd, false, false, null, null);
    }

    /**
     * Runs a step, handing each output line to {@code onLine} as it arrives (the guest console of {@code kimg
     * run}) instead of the console, whatever the exit status. With a {@code timeout}, the process tree is killed
     * when it runs longer (its exit status is then whatever the killed process returns).
     */
    public Result stream(String step, Cmd cmd, Duration timeout, Consumer<String> onLine) {
        return run(step, cmd, false, false, timeout, onLine);
    }

    private Result run(String step, Cmd cmd, boolean keep, boolean check, Duration timeout, Consumer<String> onLine) {
        return run(step, cmd, keep, check, timeout, onLine, null);
    }

    private Result run(String step, Cmd cmd, boolean keep, boolean check, Duration timeout, Consumer<String> onLine,
            Path input) {
        Path log = logs.newLog(step);
        console.stepStarted(step);
        console.command(cmd.render());
        Instant start = Instant.now();
        Process p = start(cmd, log, true, input);
        CompletableFuture<Process> watchdog = timeout == null ? null
                : p.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> {
                    ChildProcesses.killTree(p.toHandle(), 1000);
                    return p;
                });
        Deque<String> tail = new ArrayDeque<>();
        List<String> kept = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            w.write("$ " + cmd.render() + "\n");
            String line;
            while ((line = in.readLine()) != null) {
                w.write(line);
                w.write('\n');
                if (tail.size() == TAIL_LINES) {
                    tail.removeFirst();
                }
                tail.addLast(line);
                if (keep) {
                    kept.add(line);
                }
                if (onLine == null) {
                    console.stepOutput(step, line);
                } else {
                    // A streamed step is watched live (a guest console): keep its log as current as the screen.
                    w.flush();
                    onLine.accept(line);
                }
            }
            int exit = waitFor(p);
            w.write("# exit status " + exit + "\n");
            Duration took = Duration.between(start, Instant.now());
            logs.record(step, exit, took, log);
            console.stepFinished(step, took, exit);
            if (exit != 0 && check) {
                throw new StepFailed(step, log, exit, new ArrayList<>(tail));
            }
            return new Result(exit, log, took, kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (watchdog != null) {
                watchdog.cancel(false);
            }
            finish(p);
        }
    }

    /**
     * Starts a long-running helper (virtiofsd) whose output goes only to its log. The caller stops it with
     * {@link #stop(Process)}; if kimg dies first, the shutdown hook does.
     */
    public Process background(String step, Cmd cmd) {
        Path log = logs.newLog(step);
        console.command(cmd.render());
        return start(cmd, log, false, null);
    }

    /**
     * Runs a step attached to kimg's own terminal (the guest's serial console): stdin, stdout and stderr are
     * inherited. Returns the exit status; the caller decides what it means.
     */
    public int interactive(String step, Cmd cmd) {
        console.command(cmd.render());
        console.release();
        Instant start = Instant.now();
        ProcessBuilder pb = builder(cmd).inheritIO();
        Process p = launch(pb, cmd, false);
        try {
            int exit = waitFor(p);
            logs.record(step, exit, Duration.between(start, Instant.now()), null);
            return exit;
        } finally {
            finish(p);
        }
    }

    /** Kills a started process and its descendants (SIGTERM, then SIGKILL after a grace period). */
    public static void stop(Process p) {
        ChildProcesses.killTree(p.toHandle(), 3000);
    }

    private Process start(Cmd cmd, Path log, boolean pipe, Path input) {
        ProcessBuilder pb = builder(cmd);
        if (pipe) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        }
        pb.redirectInput(ProcessBuilder.Redirect.from(input == null ? new java.io.File("/dev/null") : input.toFile()));
        return launch(pb, cmd, true);
    }

    private static ProcessBuilder builder(Cmd cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd.argv());
        if (cmd.cwd() != null) {
            pb.directory(cmd.cwd().toFile());
        }
        if (cmd.cleanEnv()) {
            pb.environment().clear();
        }
        pb.environment().putAll(cmd.env());
        return pb;
    }

    private static Process launch(ProcessBuilder pb, Cmd cmd, boolean ownSession) {
        try {
            return ChildProcesses.start(pb, ownSession);
        } catch (IOException e) {
            throw StepFailed.because(cmd.argv().get(0), "cannot run " + cmd.argv().get(0) + ": " + e.getMessage());
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.killTree(p.toHandle(), 2000);
            throw new StepFailed("interrupted", null, 130, List.of("interrupted"));
        }
    }

    private static void finish(Process p) {
        if (p.isAlive()) {
            ChildProcesses.killTree(p.toHandle(), 2000);
        }
        ChildProcesses.unregister(p);
    }
}
