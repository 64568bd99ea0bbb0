package kimg.matrix;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import kimg.config.ConfigError;
import kimg.config.Request;
import kimg.exec.StepFailed;

/**
 * {@code kimg matrix ... -- CMD}: builds each cell of the plan (reusing whatever is current), boots it, runs CMD
 * and prints one table. A cell that fails to build or boot is a row with the reason; the others still run.
 *
 * <p>Cells run one after another: a project has one guest at a time (its lock), and one make already uses every
 * core. Each cell's own output directory and ports would let guests run side by side; that is left for later.
 */
public final class Matrix {
    private Matrix() {}

    /** Axes given on the command line. */
    public record Options(List<String> architectures, List<String> compilers, List<String> debugs) {}

    /**
     * @param base     the request as given (directory, settings flags, -f, jobs); its verb is ignored
     * @param pipeline runs one verb's request and returns its exit status (kimg.Pipeline::run)
     * @return 0 when every cell built, booted, ran CMD with status 0 and showed no splat; 1 otherwise
     */
    public static int run(Request base, Options options, List<String> command, PrintStream out, PrintStream err,
            Pipeline pipeline) {
        if (command.isEmpty()) {
            throw ConfigError.usage("kimg matrix needs a command: kimg matrix --arch ... -- COMMAND [ARGS...]");
        }
        MatrixPlan plan = MatrixPlan.of(options.architectures(), options.compilers(), options.debugs());
        var rows = new ArrayList<MatrixTable.Row>();
        java.nio.file.Path outputRoot = base.directory().resolve("mkosi.output/matrix");
        for (MatrixPlan.Cell cell : plan.cells()) {
            err.println("matrix: " + cell.name() + " (" + (cell.index() + 1) + "/" + plan.cells().size() + ")");
            Map<String, List<String>> overrides = overrides(base.overrides(), cell.overrides(outputRoot));
            // The build just ran: run boots what it made (-f would build a second time).
            rows.add(runCell(cell, request(base, "build", base.force(), overrides, List.of()),
                    request(base, "run", 0, overrides, command), err, pipeline));
        }
        out.print(MatrixTable.text(rows));
        return rows.stream().allMatch(MatrixTable.Row::ok) ? 0 : 1;
    }

    /** Runs one verb: the pipeline's entry, given so a test can count what runs. */
    public interface Pipeline {
        int run(Request request, PrintStream out, PrintStream err);
    }

    private static MatrixTable.Row runCell(MatrixPlan.Cell cell, Request build, Request run, PrintStream err,
            Pipeline pipeline) {
        long t0 = System.nanoTime();
        String failure = attempt(() -> pipeline.run(build, err, err), s -> s == 0 ? null : "build exit " + s);
        Duration built = Duration.ofNanos(System.nanoTime() - t0);
        if (failure != null) {
            return new MatrixTable.Row(cell, built, null, null, 0, failure);
        }
        var console = new ByteArrayOutputStream();
        long t1 = System.nanoTime();
        var status = new Integer[1];
        try (var capture = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            failure = attempt(() -> status[0] = pipeline.run(run, capture, err), s -> null);
        }
        Duration booted = Duration.ofNanos(System.nanoTime() - t1);
        String text = console.toString(StandardCharsets.UTF_8);
        return new MatrixTable.Row(cell, built, booted, status[0], MatrixTable.splats(text), failure);
    }

    /** Runs a step; a ConfigError or StepFailed becomes the row's failure text instead of ending the matrix. */
    private static String attempt(java.util.function.IntSupplier step, Function<Integer, String> onStatus) {
        try {
            return onStatus.apply(step.getAsInt());
        } catch (ConfigError e) {
            return "config: " + e.getMessage();
        } catch (StepFailed e) {
            return e.getMessage();
        }
    }

    private static Request request(Request base, String verb, int force, Map<String, List<String>> overrides,
            List<String> command) {
        return new Request(verb, base.directory(), base.startDirectory(), overrides, force, false, List.of(),
                null, base.jobs(), false, base.debug(), command);
    }

    /** The user's settings flags, then the cell's: a cell's setting wins, but its Environment= adds to the user's. */
    static Map<String, List<String>> overrides(Map<String, List<String>> user, Map<String, List<String>> cell) {
        var out = new LinkedHashMap<String, List<String>>(user);
        cell.forEach((k, v) -> out.merge(k, v, (a, b) -> k.equals("Environment")
                ? java.util.stream.Stream.concat(a.stream(), b.stream()).toList() : b));
        return out;
    }
}
