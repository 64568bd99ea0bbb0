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

    private Bisect.Outcome judge(String commit) {
        String content = git(repo, "show", commit + ":minix.c");
        return content.startsWith("broken") ? new Bisect.Outcome(Bisect.Verdict.BAD, "c-" + commit.substring(0, 8), "marker")
                : new Bisect.Outcome(Bisect.Verdict.GOOD, "c-" + commit.substring(0, 8), "exit 0");
    }

    @Test
    void findsTheFirstBadCommitInKimgsWorktreeOnly() {
        String userHead = git(repo, "rev-parse", "HEAD");
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(7), this::judge, exec);
        assertEquals(commits.get(4), r.firstBad());
        assertTrue(r.rows().size() <= 3, r.rows().toString());
        assertEquals(userHead, git(repo, "rev-parse", "HEAD"));
        assertTrue(Files.notExists(repo.resolve(".git/BISECT_LOG")), "the user's repository is bisecting");
        var out = new ByteArrayOutputStream();
        Bisect.print(r, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith(commits.get(4) + " is the first bad commit\n"),
                out::toString);
    }

    @Test
    void skippedStepsAreSkippedAndCanLeaveNoAnswer() {
        Bisect.Result r = Bisect.run(worktree, commits.get(0), commits.get(7),
                c -> new Bisect.Outcome(Bisect.Verdict.SKIP, null, "build failed"), exec);
        assertNull(r.firstBad());
        assertTrue(r.rows().stream().allMatch(row -> row.outcome().verdict() == Bisect.Verdict.SKIP));
    }

    @Test
    void theCommandLinesAreTheDocumentedOnes() {
        assertEquals(List.of("git", "-C", "/w", "bisect", "start", "--no-checkout", "b", "g"),
                Bisect.start(Path.of("/w"), "b", "g"));
        assertEquals(List.of("git", "-C", "/w", "bisect", "skip"), Bisect.mark(Path.of("/w"), Bisect.Verdict.SKIP));
    }
}
