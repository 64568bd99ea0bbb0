package kimg.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import kimg.Golden;
import org.junit.jupiter.api.Test;

/** Golden tests of every git and b4 command line kimg.source runs (src/test/resources/source/). */
class SourceCommandsTest {
    static final Path REPO = Path.of("/home/dev/linux");
    static final Path WORKTREE = Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/worktree");
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    static void golden(String name, List<String> argv) {
        Golden.assertArgv("source/" + name + ".argv", argv);
    }

    @Test
    void aRefIsATagThenARemoteBranchThenItself() {
        assertEquals(List.of("refs/tags/v6.1.150", "refs/remotes/v6.1.150", "refs/remotes/origin/v6.1.150",
                "v6.1.150"), GitCommands.refCandidates("v6.1.150"));
    }

    @Test
    void resolveEndsOptionsBeforeTheRef() {
        golden("resolve", new GitCommands(REPO).resolve("refs/tags/v6.1.150"));
    }

    @Test
    void isAncestorTakesResolvedCommits() {
        golden("is-ancestor", new GitCommands(REPO).isAncestor(SHA, SHA.replace('0', 'f')));
    }

    @Test
    void worktreeAdd() {
        golden("worktree-add", new GitCommands(REPO).worktreeAdd(WORKTREE, SHA));
    }

    @Test
    void checkoutMovesTheWorktreeOnly() {
        golden("checkout", GitCommands.checkout(WORKTREE, SHA));
    }

    @Test
    void amAppliesOneMboxAsKimg() {
        golden("am", GitCommands.am(WORKTREE, Path.of("/p/patches/0001-fix.patch")));
    }

    @Test
    void worktreeChecks() {
        golden("common-dir-worktree", GitCommands.commonDirectory(WORKTREE));
        golden("status", GitCommands.status(WORKTREE));
        golden("am-state-directory", GitCommands.amStateDirectory(WORKTREE));
    }

    @Test
    void amAbort() {
        golden("am-abort", GitCommands.amAbort(WORKTREE));
    }

    @Test
    void workingTreeHash() {
        golden("add-all", new GitCommands(REPO).addAll());
        golden("write-tree", new GitCommands(REPO).writeTree());
        golden("head-tree", GitCommands.headTree(WORKTREE));
    }

    @Test
    void b4FetchesASeriesIntoOneMbox() {
        golden("b4-am", SeriesCommand.fetch("<20240101120000.1234-1-dev@example.org>", Path.of("/p/series")));
        assertEquals(Path.of("/p/series/series.mbx"), SeriesCommand.mbox(Path.of("/p/series")));
    }
}
