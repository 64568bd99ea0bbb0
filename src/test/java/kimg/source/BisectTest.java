package kimg.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bisect driver with real git in kimg's worktree of a small repository of eight commits, the fifth of which
 * breaks a file; the step reads the commit it is given (a build and boot in the real verb). The user's repository
 * keeps its HEAD and has no bisect state afterwards.
 */
class BisectTest {
    @TempDir
    Path tmp;

    Path repo;
    Path worktree;
    Exec exec;
    List<String> commits = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("linux");
        worktree = tmp.resolve("build/kernel/worktree");
        exec = new Exec(StepLogs.under(tmp.resolve("logs")), Console.plain(System.err));
        git(tmp, "init", "-q", "-b", "main", repo.toString());
        for (int i = 1; i <= 8; i++) {
            Files.writeString(repo.resolve("minix.c"), i >= 5 ? "broken " + i + "\n" : "fine " + i + "\n");
            git(repo, "add", "-A");
            git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "c" + i);
            commits.add(git(repo, "rev-parse", "HEAD"));
        }
        git(repo, "worktree", "add", "-q", "--detach", worktree.toString(), commits.get(0));
    }

    private String git(Path dir, String... args) {
        var argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return exec.capture("git", Cmd.of(argv)).text().strip();
    }

    /** Every commit the step was asked to judge, in order: each one a build and boot in the real verb. */
    List<String> judged = new ArrayList<>();

    private Bisect.Outcome judge(String commit) {
        judged.add(commit);
        String content = git(repo, "show", commit + ":minix.c");
        return content.startsWith("broken") ? new Bisect.Outcome(Bisect.Verdict.BAD, "c-" + commit.substring(0, 8), "marker")
                : new Bisect.Outcome(Bisect.Verdict.GOOD, "c-" + commit.substring(0, 8), "exit 0");
    }

    @Test
    void findsTheFirstBadCommitInKimgsWorktreeOnly() {
        String userHead = git(repo, "rev-parse", "HEAD");
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(7), this::judge, exec);
        assertEquals(commits.get(4), r.firstBad());
        assertTrue(r.rows().size() <= 5, r.rows().toString()); // two checks, then log2 of six commits
        assertEquals(userHead, git(repo, "rev-parse", "HEAD"));
        assertTrue(Files.notExists(repo.resolve(".git/BISECT_LOG")), "the user's repository is bisecting");
        var out = new ByteArrayOutputStream();
        Bisect.print(r, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith(commits.get(4) + " is the first bad commit\n"),
                out::toString);
    }

    @Test
    void theTableShowsEveryBuildAndBootInOrderTheChecksOfGoodAndBadFirst() {
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(7), this::judge, exec);
        assertEquals(commits.get(0), judged.get(0), "GOOD is judged first");
        assertEquals(commits.get(7), judged.get(1), "BAD is judged second");
        assertEquals(judged, r.rows().stream().map(Bisect.Row::commit).toList());
        assertTrue(r.rows().get(0).check() && r.rows().get(1).check());
        assertTrue(r.rows().stream().skip(2).noneMatch(Bisect.Row::check), r.rows().toString());

        List<String> lines = table(r).lines().toList();
        assertEquals(List.of("step", "commit", "verdict", "identity", "seconds", "why"),
                List.of(lines.get(0).split("\\s+")));
        List<String> rows = lines.subList(1, 1 + judged.size());
        for (int i = 0; i < judged.size(); i++) {
            String c = judged.get(i);
            // step, commit, verdict, identity, seconds, why: the same columns for the check and the steps
            assertTrue(rows.get(i).matches((i < 2 ? "check" : Integer.toString(i - 1)) + " +" + c.substring(0, 12)
                    + "  (good|bad) +c-" + c.substring(0, 8) + " +[0-9]+\\.[0-9]  (exit 0|marker)"), rows.get(i));
        }
        assertEquals(judged.size() + " builds and boots", lines.get(1 + judged.size()).replaceAll(", .* s$", ""));
    }

    @Test
    void aGoodThatIsNotGoodIsTheOnlyRowAndNoBisectionStarts() {
        Bisect.Result r = Bisect.run(worktree, commits.get(5), commits.get(7), this::judge, exec);
        assertEquals(List.of(commits.get(5)), judged);
        assertNull(r.firstBad());
        assertTrue(!r.goodIsGood());
        assertEquals(1, r.rows().size());
        String gitDir = git(worktree, "rev-parse", "--absolute-git-dir");
        assertTrue(Files.notExists(Path.of(gitDir, "BISECT_LOG")), "bisect started");
        String table = table(r);
        assertTrue(table.lines().skip(1).findFirst().orElseThrow().startsWith("check  " + commits.get(5).substring(0, 12)
                + "  bad "), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("1 build and boot, [0-9]+\\.[0-9] s")), table);
        assertTrue(table.endsWith("no answer: GOOD " + commits.get(5) + " is not good\n"), table);
    }

    @Test
    void aBadThatIsGoodEndsAfterTheTwoChecksAndNoBisectionStarts() {
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(3), this::judge, exec);
        assertEquals(List.of(commits.get(0), commits.get(3)), judged);
        assertNull(r.firstBad());
        assertTrue(r.goodIsGood() && r.badIsGood());
        String gitDir = git(worktree, "rev-parse", "--absolute-git-dir");
        assertTrue(Files.notExists(Path.of(gitDir, "BISECT_LOG")), "bisect started");
        String table = table(r);
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(2).startsWith("check  " + commits.get(3).substring(0, 12) + "  good "), table);
        assertTrue(lines.get(3).matches("2 builds and boots, [0-9]+\\.[0-9] s"), table);
        assertEquals("no answer: BAD " + commits.get(3) + " is not bad", lines.get(4), table);
    }

    @Test
    void aBadThatCannotBeJudgedIsTrustedAsGitDoes() {
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(7),
                c -> c.equals(commits.get(7)) ? new Bisect.Outcome(Bisect.Verdict.SKIP, null, "build failed")
                        : judge(c), exec);
        assertEquals(commits.get(4), r.firstBad());
        assertEquals(Bisect.Verdict.SKIP, r.rows().get(1).outcome().verdict());
    }

    @Test
    void skippedStepsAreSkippedAndCanLeaveNoAnswer() {
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(7),
                c -> c.equals(commits.get(0)) ? new Bisect.Outcome(Bisect.Verdict.GOOD, "g", "exit 0")
                        : new Bisect.Outcome(Bisect.Verdict.SKIP, null, "build failed"), exec);
        assertNull(r.firstBad());
        assertTrue(r.goodIsGood());
        assertTrue(r.rows().stream().skip(1).allMatch(row -> row.outcome().verdict() == Bisect.Verdict.SKIP));
        assertTrue(table(r).endsWith("no answer: only skipped commits are left\n"), table(r));
    }

    private static String table(Bisect.Result r) {
        var out = new ByteArrayOutputStream();
        Bisect.print(r, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCommandLinesAreTheDocumentedOnes() {
        assertEquals(List.of("git", "-C", "/w", "bisect", "start", "--no-checkout", "b", "g"),
                Bisect.start(Path.of("/w"), "b", "g"));
        assertEquals(List.of("git", "-C", "/w", "bisect", "skip"), Bisect.mark(Path.of("/w"), Bisect.Verdict.SKIP));
    }
}
