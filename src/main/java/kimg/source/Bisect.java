package kimg.source;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;

/**
 * {@code kimg bisect GOOD BAD -- CMD}: git bisect in kimg's worktree, never in the user's repository (bisect state
 * is per worktree, and {@code --no-checkout} keeps git from moving files: each step's build checks the commit out
 * through {@link KernelCheckout} like any KernelRef=). Each step is judged by a {@link Step}: build (reusing
 * identities), boot, run CMD. The result is the first bad commit and a table of the steps.
 */
public final class Bisect {
    private Bisect() {}

    /** What a step found, as {@code git bisect run} reads exit codes: 0 good, 125 skip, 1-127 bad. */
    public enum Verdict {
        GOOD("good"), BAD("bad"), SKIP("skip");

        final String word;

        Verdict(String word) {
            this.word = word;
        }
    }

    /** One step's outcome: the verdict, the identity built (null if the build failed), and why. */
    public record Outcome(Verdict verdict, String identity, String why) {}

    /** Builds, boots and runs the command at {@code commit}. */
    @FunctionalInterface
    public interface Step {
        Outcome judge(String commit);
    }

    /** One row of the table. */
    public record Row(String commit, Outcome outcome, Duration took) {}

    /** The first bad commit (null when git could not decide: only skipped commits left) and every step. */
    public record Result(String firstBad, List<Row> rows) {}

    /** {@code git bisect start --no-checkout BAD GOOD} (both already resolved to SHAs). */
    public static List<String> start(Path worktree, String bad, String good) {
        return GitCommands.git(worktree, "bisect", "start", "--no-checkout", bad, good);
    }

    /** The commit to test next: {@code BISECT_HEAD} (with --no-checkout git moves it, not HEAD). */
    public static List<String> next(Path worktree) {
        return GitCommands.git(worktree, "rev-parse", "--verify", "BISECT_HEAD^{commit}");
    }

    public static List<String> mark(Path worktree, Verdict verdict) {
        return GitCommands.git(worktree, "bisect", verdict.word);
    }

    public static List<String> reset(Path worktree) {
        return GitCommands.git(worktree, "bisect", "reset");
    }

    /**
     * git bisect's verdict line, {@code <sha> is the first bad commit}, or empty while it goes on. "There are only
     * 'skip'ped commits left to test" also ends it, with no answer.
     */
    static Optional<String> firstBad(List<String> output) {
        Pattern p = Pattern.compile("^([0-9a-f]{40,64}) is the first bad commit$");
        for (String line : output) {
            Matcher m = p.matcher(line.strip());
            if (m.matches()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    static boolean onlySkippedLeft(List<String> output) {
        return output.stream().anyMatch(l -> l.contains("only 'skip'ped commits left"));
    }

    /**
     * Runs the bisection in {@code worktree} (which must exist: a build has made it) between two resolved commits.
     * The worktree's bisect state is reset at the end, whatever happens.
     *
     * @throws StepFailed when git refuses to start (GOOD is not an ancestor of BAD, ...)
     */
    public static Result run(Path worktree, String good, String bad, Step step, Exec exec) {
        exec.runUnchecked("bisect-reset", Cmd.of(reset(worktree)));
        var rows = new ArrayList<Row>();
        try {
            List<String> out = exec.capture("bisect-start", Cmd.of(start(worktree, bad, good))).output();
            while (true) {
                Optional<String> found = firstBad(out);
                if (found.isPresent()) {
                    return new Result(found.get(), rows);
                }
                if (onlySkippedLeft(out)) {
                    return new Result(null, rows);
                }
                String commit = exec.capture("bisect-next", Cmd.of(next(worktree))).text().strip();
                long t0 = System.nanoTime();
                Outcome outcome = step.judge(commit);
                rows.add(new Row(commit, outcome, Duration.ofNanos(System.nanoTime() - t0)));
                var r = exec.runUnchecked("bisect-" + outcome.verdict().word,
                        Cmd.of(mark(worktree, outcome.verdict())));
                out = java.nio.file.Files.readAllLines(r.log());
                if (r.exitStatus() != 0 && !onlySkippedLeft(out)) {
                    throw new StepFailed("bisect-" + outcome.verdict().word, r.log(), r.exitStatus(), out);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            exec.runUnchecked("bisect-reset", Cmd.of(reset(worktree)));
        }
    }

    /** The table: one line per step (commit, verdict, identity, seconds, why), then the answer. */
    public static void print(Result result, PrintStream out) {
        out.printf("%-12s  %-5s  %-40s  %8s  %s%n", "commit", "", "identity", "seconds", "why");
        for (Row r : result.rows()) {
            out.printf("%-12s  %-5s  %-40s  %8.1f  %s%n", r.commit().substring(0, 12), r.outcome().verdict().word,
                    r.outcome().identity() == null ? "-" : r.outcome().identity(), r.took().toMillis() / 1000.0,
                    r.outcome().why());
        }
        out.println(result.firstBad() == null ? "no answer: only skipped commits are left"
                : result.firstBad() + " is the first bad commit");
    }
}
