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
 * identities), boot, run CMD. GOOD and BAD are judged first, as ktest's BISECT_CHECK does: git bisect trusts both,
 * and with a BAD that is in fact good it would name BAD's last commit after a whole run; GOOD's build also makes
 * the worktree. The result is the first bad commit and a table of every build and boot, those checks included: on a
 * cold run it is most of the time spent.
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

    /**
     * One row of the table: one build and boot.
     *
     * @param check true for the checks that GOOD is good and BAD is bad, made before git bisect starts; false for a
     *              bisection step
     * @param took  the step's wall-clock time: build, boot and CMD
     */
    public record Row(String commit, Outcome outcome, Duration took, boolean check) {}

    /**
     * Every build and boot in order (the checks of GOOD and BAD first), and the first bad commit: null when GOOD is
     * not good (then its check is the only row), when BAD is good (the two checks are the only rows) or when git
     * could not decide (only skipped commits left). A BAD that cannot be judged (skip) is trusted, as git does.
     */
    public record Result(String firstBad, List<Row> rows) {
        public Result {
            rows = List.copyOf(rows);
        }

        /** Whether the check of GOOD found it good; false means no bisection ran. */
        public boolean goodIsGood() {
            return !rows.isEmpty() && rows.get(0).check() && rows.get(0).outcome().verdict() == Verdict.GOOD;
        }

        /** Whether the check of BAD found it good: then no bisection ran. */
        public boolean badIsGood() {
            return rows.size() >= 2 && rows.get(1).check() && rows.get(1).outcome().verdict() == Verdict.GOOD;
        }
    }

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
     * Judges GOOD, then BAD, then, when GOOD is good and BAD is not good, runs the bisection in {@code worktree}
     * (which the step's build of GOOD makes) between two resolved commits. The worktree's bisect state is reset at the end, whatever happens.
     *
     * @throws StepFailed when git refuses to start (GOOD is not an ancestor of BAD, ...)
     */
    public static Result run(Path worktree, String good, String bad, Step step, Exec exec) {
        var rows = new ArrayList<Row>();
        rows.add(timed(good, step, true));
        if (rows.get(0).outcome().verdict() != Verdict.GOOD) {
            return new Result(null, rows);
        }
        rows.add(timed(bad, step, true));
        if (rows.get(1).outcome().verdict() == Verdict.GOOD) {
            return new Result(null, rows);
        }
        exec.runUnchecked("bisect-reset", Cmd.of(reset(worktree)));
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
                Row row = timed(commit, step, false);
                rows.add(row);
                Outcome outcome = row.outcome();
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

    private static Row timed(String commit, Step step, boolean check) {
        long t0 = System.nanoTime();
        Outcome outcome = step.judge(commit);
        return new Row(commit, outcome, Duration.ofNanos(System.nanoTime() - t0), check);
    }

    /**
     * The table: one line per build and boot in the order they ran (step: {@code check} for the checks of GOOD and
     * BAD, then 1, 2, ...; commit, verdict, identity, seconds, why), their total, then the answer.
     */
    public static void print(Result result, PrintStream out) {
        String format = "%-5s  %-12s  %-7s  %-40s  %8s  %s%n";
        out.printf(format, "step", "commit", "verdict", "identity", "seconds", "why");
        int n = 0;
        Duration total = Duration.ZERO;
        for (Row r : result.rows()) {
            out.printf(format, r.check() ? "check" : Integer.toString(++n), r.commit().substring(0, 12),
                    r.outcome().verdict().word, r.outcome().identity() == null ? "-" : r.outcome().identity(),
                    seconds(r.took()), r.outcome().why());
            total = total.plus(r.took());
        }
        int all = result.rows().size();
        out.printf("%d %s, %s s%n", all, all == 1 ? "build and boot" : "builds and boots", seconds(total));
        if (result.firstBad() != null) {
            out.println(result.firstBad() + " is the first bad commit");
        } else if (!result.goodIsGood()) {
            out.println("no answer: GOOD " + result.rows().get(0).commit() + " is not good");
        } else if (result.badIsGood()) {
            out.println("no answer: BAD " + result.rows().get(1).commit() + " is not bad");
        } else {
            out.println("no answer: only skipped commits are left");
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
