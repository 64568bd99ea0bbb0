package kimg.matrix;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.stream.Stream;
import kimg.config.BuildOptions;
import kimg.config.ConfigError;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.exec.StepFailed;
import kimg.plan.Planner;
import kimg.verb.BuildVerb;
import kimg.verb.RunVerb;
import kimg.verb.Verb;

/**
 * {@code kimg matrix ... -- CMD}: builds each cell of the plan (reusing whatever is current), boots it, runs CMD
 * and prints one table. A cell that fails to build or boot is a row with the reason; the others still run.
 *
 * <p>Builds run one after another in plan order (one make already uses every core, and cells of one architecture
 * share the rootfs cache). A cell's boot starts as soon as its build is done, beside the next build and up to
 * {@code guests} boots at once: each cell has its own image tree, output directory, virtiofsd sockets (a private
 * directory per boot) and ssh/gdb ports ({@link MatrixPlan.Cell#overrides}), so its guests share nothing
 * writable. The matrix holds the project lock once for everything ({@code GUEST_BUILD}, taken by the verb); each
 * cell's build and run nest inside it, so no other kimg builds or boots the project meanwhile.
 */
public final class Matrix {
    private Matrix() {}

    /** Axes given on the command line. */
    public record Options(List<String> architectures, List<String> compilers, List<String> debugs) {}

    /**
     * @param base    the project as given (directory, start directory, settings flags)
     * @param force   -f for each cell's build
     * @param jobs    make -j
     * @param guests  how many cells may boot at once (at least 1; {@link MatrixPlan#parallelGuests})
     * @param out     where the table goes
     * @param err     progress; a booting cell's lines are prefixed with its name
     * @param runner  runs one verb on a config input and returns its exit status (kimg.Pipeline::run)
     * @return 0 when every cell built, booted, ran CMD with status 0 and showed no splat; 1 otherwise
     */
    public static int run(ConfigInput base, int force, int jobs, int guests, Options options, List<String> command,
            PrintStream out, PrintStream err, Runner runner) {
        if (command.isEmpty()) {
            throw ConfigError.usage("kimg matrix needs a command: kimg matrix --arch ... -- COMMAND [ARGS...]");
        }
        MatrixPlan plan = MatrixPlan.of(options.architectures(), options.compilers(), options.debugs());
        Path outputRoot = base.directory().resolve("mkosi.output/matrix");
        var rows = new ArrayList<Future<MatrixTable.Row>>();
        ExecutorService boots = Executors.newFixedThreadPool(Math.max(1, guests), guestThreads());
        try {
            for (MatrixPlan.Cell cell : plan.cells()) {
                String of = " (" + (cell.index() + 1) + "/" + plan.cells().size() + ")";
                ConfigInput input = base.withOverrides(overrides(base.overrides(), cell.overrides(outputRoot)));
                err.println("matrix: building " + cell.name() + of);
                Verb build = new BuildVerb(new BuildOptions(false, List.of(), null, force, jobs), false, false);
                long t0 = System.nanoTime();
                String failure = attempt(() -> runner.run(build, input, err, err), s -> s == 0 ? null : "build exit " + s);
                Duration built = Duration.ofNanos(System.nanoTime() - t0);
                if (failure != null) {
                    rows.add(CompletableFuture.completedFuture(
                            new MatrixTable.Row(cell, built, null, null, 0, failure, null)));
                    continue;
                }
                err.println("matrix: booting " + cell.name() + of);
                rows.add(boots.submit(() -> {
                    try (PrintStream cellErr = prefixed(err, cell)) {
                        return boot(cell, built, input, command, jobs, cellErr, runner,
                                outputRoot.resolve(cell.name()).resolve(CONSOLE_LOG));
                    }
                }));
            }
            var done = new ArrayList<MatrixTable.Row>();
            for (Future<MatrixTable.Row> row : rows) {
                done.add(row.get());
            }
            out.print(MatrixTable.text(done));
            return done.stream().allMatch(MatrixTable.Row::ok) ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StepFailed.because("matrix", "interrupted while waiting for the guests");
        } catch (ExecutionException e) {
            // Not a failed step (those are rows): a bug or an I/O error, which ends kimg as it would without a matrix.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            boots.shutdownNow();
            awaitGuests(boots);
        }
    }

    /**
     * Every cell's config as its build would load it, checked as {@code kimg build} checks it before any step
     * ({@link Planner#checkBeforeBuild}: the kernel tree, the cell's kernel config and architecture, a debug cell's
     * fragment), so that a cell that could never build stops the matrix before the first cell's build starts.
     *
     * @throws ConfigError the first cell's error, its message starting with the cell's name
     */
    public static void checkCells(ConfigInput base, MatrixPlan plan) {
        Path outputRoot = base.directory().resolve("mkosi.output/matrix");
        BuildOptions options = new BuildOptions(false, List.of(), null, 0, 1);
        for (MatrixPlan.Cell cell : plan.cells()) {
            Verb build = new BuildVerb(options, false, false);
            ConfigInput input = base.withOverrides(overrides(base.overrides(), cell.overrides(outputRoot)))
                    .withUses(build.uses());
            try {
                Planner.checkBeforeBuild(ConfigLoader.load(input), options);
            } catch (ConfigError e) {
                throw new ConfigError(e.origin(), e.setting(), "matrix cell " + cell.name() + ": " + e.getMessage());
            }
        }
    }

    /**
     * After a failure the other guests are told to stop (interrupted); wait a little so none of them writes its
     * console file after the matrix has returned. A guest that does not stop in time is left to kimg's exit, which
     * kills every child process.
     */
    private static void awaitGuests(ExecutorService boots) {
        try {
            boots.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs one verb: the pipeline's entry, given so a test can watch what runs when. */
    public interface Runner {
        int run(Verb verb, ConfigInput input, PrintStream out, PrintStream err);
    }

    /** Each cell's guest console, in the cell's output directory: what to read when a row is not clean. */
    static final String CONSOLE_LOG = "console.log";

    /**
     * Boots a built cell and runs the command; its console is counted for splats and kept in {@code consoleLog}
     * (replaced on every run), which the table names for a cell that failed, timed out or complained.
     */
    private static MatrixTable.Row boot(MatrixPlan.Cell cell, Duration built, ConfigInput input, List<String> command,
            int jobs, PrintStream err, Runner runner, Path consoleLog) {
        // --no-build: the cell was just built, and a build inside the matrix's lock is not this boot's to start.
        Verb run = new RunVerb(new BuildOptions(false, List.of(), null, 0, jobs), true, command);
        var console = new ByteArrayOutputStream();
        long t1 = System.nanoTime();
        var status = new Integer[1];
        String failure;
        try (var capture = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            failure = attempt(() -> status[0] = runner.run(run, input, capture, err), s -> null);
        }
        Duration booted = Duration.ofNanos(System.nanoTime() - t1);
        String text = console.toString(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(consoleLog.getParent());
            Files.writeString(consoleLog, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MatrixTable.Row(cell, built, booted, status[0], MatrixTable.splats(text), failure, consoleLog);
    }

    /** Runs a step; a ConfigError or StepFailed becomes the row's failure text instead of ending the matrix. */
    private static String attempt(IntSupplier step, Function<Integer, String> onStatus) {
        try {
            return onStatus.apply(step.getAsInt());
        } catch (ConfigError e) {
            return "config: " + e.getMessage();
        } catch (StepFailed e) {
            return e.getMessage();
        }
    }

    /** A cell's progress lines while guests run side by side: whole lines, each prefixed with the cell's name. */
    private static PrintStream prefixed(PrintStream err, MatrixPlan.Cell cell) {
        return new PrintStream(new LinePrefix(err, cell.name() + ": "), true, StandardCharsets.UTF_8);
    }

    private static java.util.concurrent.ThreadFactory guestThreads() {
        var n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "kimg-matrix-guest-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The user's settings flags, then the cell's: a cell's setting wins, but its Environment= adds to the user's. */
    static Map<String, List<String>> overrides(Map<String, List<String>> user, Map<String, List<String>> cell) {
        var out = new LinkedHashMap<String, List<String>>(user);
        cell.forEach((k, v) -> out.merge(k, v, (a, b) -> k.equals("Environment")
                ? Stream.concat(a.stream(), b.stream()).toList() : b));
        return out;
    }
}
