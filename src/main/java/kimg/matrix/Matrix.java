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
import kimg.config.BuildOptions;
import kimg.config.ConfigInput;
import kimg.exec.StepFailed;
import kimg.verb.BuildVerb;
import kimg.verb.RunVerb;
import kimg.verb.Verb;

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
     * @param base     the project as given (directory, start directory, settings flags)
     * @param force    -f for each cell's build
     * @param jobs     make -j
     * @param runner   runs one verb on a config input and returns its exit status (kimg.Pipeline::run)
     * @return 0 when every cell built, booted, ran CMD with status 0 and showed no splat; 1 otherwise
     */
    public static int run(ConfigInput base, int force, int jobs, Options options, List<String> command,
            PrintStream out, PrintStream err, Runner runner) {
        if (command.isEmpty()) {
            throw ConfigError.usage("kimg matrix needs a command: kimg matrix --arch ... -- COMMAND [ARGS...]");
        }
        MatrixPlan plan = MatrixPlan.of(options.architectures(), options.compilers(), options.debugs());
        var rows = new ArrayList<MatrixTable.Row>();
        java.nio.file.Path outputRoot = base.directory().resolve("mkosi.output/matrix");
        for (MatrixPlan.Cell cell : plan.cells()) {
            err.println("matrix: " + cell.name() + " (" + (cell.index() + 1) + "/" + plan.cells().size() + ")");
            ConfigInput input = base.withOverrides(overrides(base.overrides(), cell.overrides(outputRoot)));
            // The build just ran: run boots what it made (-f would build a second time).
            Verb build = new BuildVerb(new BuildOptions(false, List.of(), null, force, jobs), false, false);
            Verb run = new RunVerb(new BuildOptions(false, List.of(), null, 0, jobs), false, command);
            rows.add(runCell(cell, build, run, input, err, runner));
        }
        out.print(MatrixTable.text(rows));
        return rows.stream().allMatch(MatrixTable.Row::ok) ? 0 : 1;
    }

    /** Runs one verb: the pipeline's entry, given so a test can count what runs. */
    public interface Runner {
        int run(Verb verb, ConfigInput input, PrintStream out, PrintStream err);
    }

    private static MatrixTable.Row runCell(MatrixPlan.Cell cell, Verb build, Verb run, ConfigInput input,
            PrintStream err, Runner runner) {
        long t0 = System.nanoTime();
        String failure = attempt(() -> runner.run(build, input, err, err), s -> s == 0 ? null : "build exit " + s);
        Duration built = Duration.ofNanos(System.nanoTime() - t0);
        if (failure != null) {
            return new MatrixTable.Row(cell, built, null, null, 0, failure);
        }
        var console = new ByteArrayOutputStream();
        long t1 = System.nanoTime();
        var status = new Integer[1];
        try (var capture = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            failure = attempt(() -> status[0] = runner.run(run, input, capture, err), s -> null);
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

    /** The user's settings flags, then the cell's: a cell's setting wins, but its Environment= adds to the user's. */
    static Map<String, List<String>> overrides(Map<String, List<String>> user, Map<String, List<String>> cell) {
        var out = new LinkedHashMap<String, List<String>>(user);
        cell.forEach((k, v) -> out.merge(k, v, (a, b) -> k.equals("Environment")
                ? java.util.stream.Stream.concat(a.stream(), b.stream()).toList() : b));
        return out;
    }
}
