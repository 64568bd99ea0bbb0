package kimg.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KernelCheckout against real git on a three-file repository: refs, the worktree, git am from an mbox written
 * here, a patch that does not apply, and the user's repository left as it was.
 */
class KernelCheckoutTest {
    @TempDir
    Path tmp;

    Path repo;
    Path kernelRoot;
    Exec exec;

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("linux");
        kernelRoot = tmp.resolve("build/kernel");
        exec = new Exec(StepLogs.under(tmp.resolve("logs")), Console.plain(System.err));
        git(tmp, "init", "-q", "-b", "main", repo.toString());
        write("Makefile", "VERSION = 6\n");
        write("init/main.c", "int main(void) { return 0; }\n");
        write("lib/x.c", "int x;\n");
        commit("base");
        git(repo, "tag", "v1");
        write("init/main.c", "int main(void) { return 1; }\n");
        commit("two");
        // The user's state kimg must not change: a modified tracked file and an untracked one.
        write("init/main.c", "int main(void) { return 2; } /* editing */\n");
        write("notes.txt", "mine\n");
    }

    private void write(String rel, String text) throws Exception {
        Files.createDirectories(repo.resolve(rel).getParent());
        Files.writeString(repo.resolve(rel), text);
    }

    private void commit(String message) {
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", message);
    }

    private String git(Path dir, String... args) {
        var argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return exec.capture("git", Cmd.of(argv)).text().strip();
    }

    private String userState() {
        // stash create's commit has a date; its tree is what the working tree holds.
        return git(repo, "status", "--porcelain") + "|" + git(repo, "rev-parse", "HEAD") + "|"
                + git(repo, "rev-parse", git(repo, "stash", "create") + "^{tree}");
    }

    private Config config(String... settings) {
        var values = new java.util.LinkedHashMap<String, List<String>>();
        values.put("BuildSources", List.of(repo + ":kernel"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], List.of(settings[i + 1]));
        }
        return Config.ofValues(tmp, values);
    }

    /** A one-patch mbox, made by format-patch in a scratch clone, changing init/main.c at tag v1. */
    private Path mbox(String name, String newMain) throws Exception {
        Path scratch = tmp.resolve("scratch-" + name);
        git(tmp, "clone", "-q", repo.toString(), scratch.toString());
        git(scratch, "checkout", "-q", "v1");
        Files.writeString(scratch.resolve("init/main.c"), newMain);
        git(scratch, "-c", "user.name=p", "-c", "user.email=p@p", "commit", "-q", "-a", "-m", "patch " + name);
        Path out = tmp.resolve(name + ".mbox");
        Files.writeString(out, git(scratch, "format-patch", "--stdout", "-1") + "\n");
        return out;
    }

    @Test
    void aTagIsCheckedOutInKimgsWorktreeAndTheUsersTreeIsUntouched() throws Exception {
        String before = userState();
        KernelSource s = KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        assertEquals(kernelRoot.resolve("worktree"), s.tree());
        assertEquals("int main(void) { return 0; }\n", Files.readString(s.tree().resolve("init/main.c")));
        assertEquals(git(repo, "rev-parse", "v1^{tree}"), s.treeHash());
        assertEquals("v1", s.readable());
        assertEquals(before, userState());
    }

    @Test
    void anUnchangedRequestTouchesNoFileAndAnotherRefMovesTheSameWorktree() throws Exception {
        KernelSource a = KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        Path main = a.tree().resolve("init/main.c");
        Path makefile = a.tree().resolve("Makefile");
        Files.setLastModifiedTime(main, java.nio.file.attribute.FileTime.fromMillis(1000));
        Files.setLastModifiedTime(makefile, java.nio.file.attribute.FileTime.fromMillis(1000));
        KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        assertEquals(1000, Files.getLastModifiedTime(main).toMillis());
        KernelSource b = KernelCheckout.prepare(config("KernelRef", "main"), repo, kernelRoot, exec);
        assertEquals(a.tree(), b.tree());
        assertEquals("int main(void) { return 1; }\n", Files.readString(main));
        assertEquals(1000, Files.getLastModifiedTime(makefile).toMillis(), "an unchanged file was rewritten");
    }

    @Test
    void patchesApplyInOrderWithGitAmAndChangeTheTreeHash() throws Exception {
        Path patch = mbox("p1", "int main(void) { return 42; }\n");
        String before = userState();
        KernelSource s = KernelCheckout.prepare(config("KernelRef", "v1", "KernelPatches", patch.toString()), repo,
                kernelRoot, exec);
        assertEquals("int main(void) { return 42; }\n", Files.readString(s.tree().resolve("init/main.c")));
        assertNotEquals(git(repo, "rev-parse", "v1^{tree}"), s.treeHash());
        assertEquals(List.of(patch), s.patches());
        assertEquals(before, userState());
        // Same request again: the same tree, no second am on top.
        assertEquals(s.treeHash(), KernelCheckout.prepare(config("KernelRef", "v1", "KernelPatches",
                patch.toString()), repo, kernelRoot, exec).treeHash());
    }

    @Test
    void aPatchThatDoesNotApplyIsNamedWithItsConflict() throws Exception {
        Path patch = mbox("p1", "int main(void) { return 42; }\n");
        // On main, init/main.c no longer has the line the patch changes.
        StepFailed e = assertThrows(StepFailed.class, () -> KernelCheckout.prepare(
                config("KernelRef", "main", "KernelPatches", patch.toString()), repo, kernelRoot, exec));
        String text = String.join("\n", e.lastLines());
        assertTrue(text.startsWith("patch " + patch + " does not apply on "), text);
        assertTrue(text.contains("init/main.c"), text);
        // The worktree is usable again afterwards: the failed am was aborted.
        KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
    }

    @Test
    void aWorktreeWithoutItsGitFileIsMadeAgain() throws Exception {
        KernelSource a = KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        // What a run killed inside git worktree add, or a copy that dropped .git entries, leaves behind.
        Files.delete(a.tree().resolve(".git"));
        Files.writeString(a.tree().resolve("stale.o"), "");
        KernelSource b = KernelCheckout.prepare(config("KernelRef", "main"), repo, kernelRoot, exec);
        assertEquals(a.tree(), b.tree());
        assertEquals("int main(void) { return 1; }\n", Files.readString(b.tree().resolve("init/main.c")));
        assertTrue(Files.notExists(b.tree().resolve("stale.o")));
        assertEquals(git(repo, "rev-parse", "main^{tree}"), b.treeHash());
    }

    @Test
    void aWorktreeOfARepositoryMadeAgainIsMadeAgain() throws Exception {
        KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        // The repository is cloned afresh at the same path: the worktree's .git points at administrative files
        // that are gone, and the unchanged request must not trust the state file.
        Path old = tmp.resolve("linux-old");
        Files.move(repo, old);
        git(tmp, "clone", "-q", old.toString(), repo.toString());
        git(repo, "fetch", "-q", "origin", "refs/tags/v1:refs/tags/v1");
        write("Makefile", "VERSION = 7\n"); // the user is editing (userState needs a change to stash)
        String before = userState();
        KernelSource s = KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        assertEquals("int main(void) { return 0; }\n", Files.readString(s.tree().resolve("init/main.c")));
        assertTrue(git(repo, "worktree", "list").contains(s.tree().toString()), "not a worktree of the new clone");
        assertEquals(before, userState());
    }

    @Test
    void aSparseUserCheckoutStillGivesKimgTheWholeTreeAndKeepsTheUsersConfig() throws Exception {
        git(repo, "stash", "-q", "--include-untracked");
        git(repo, "sparse-checkout", "set", "init"); // cone mode: the user's tree holds init/ and top-level files
        Path config = repo.resolve(".git/config");
        String userConfig = Files.readString(config);
        String userPatterns = Files.readString(repo.resolve(".git/info/sparse-checkout"));
        KernelSource a = KernelCheckout.prepare(config("KernelRef", "v1"), repo, kernelRoot, exec);
        assertTrue(Files.isRegularFile(a.tree().resolve("Makefile")) && Files.isRegularFile(a.tree().resolve("lib/x.c")),
                "kimg's worktree is sparse");
        KernelSource b = KernelCheckout.prepare(config("KernelRef", "main"), repo, kernelRoot, exec);
        assertTrue(Files.isRegularFile(b.tree().resolve("lib/x.c")), "a checkout made kimg's worktree sparse");
        assertEquals(git(repo, "rev-parse", "main^{tree}"), b.treeHash());
        assertTrue(Files.notExists(repo.resolve("lib/x.c")), "the user's sparse checkout changed");
        assertEquals(userConfig, Files.readString(config));
        assertEquals(userPatterns, Files.readString(repo.resolve(".git/info/sparse-checkout")));
    }

    @Test
    void anUnknownRefIsAConfigError() {
        ConfigError e = assertThrows(ConfigError.class, () -> KernelCheckout.prepare(config("KernelRef", "v9"),
                repo, kernelRoot, exec));
        assertTrue(e.getMessage().contains("'v9' names no commit"), e.getMessage());
    }

    @Test
    void theWorkingTreeIsHashedWithItsUncommittedChanges() {
        String before = userState();
        KernelSource s = KernelCheckout.prepare(config("KernelLabel", "mine"), repo, kernelRoot, exec);
        assertEquals(repo, s.tree());
        assertEquals("mine", s.readable());
        assertNotEquals(git(repo, "rev-parse", "HEAD^{tree}"), s.treeHash());
        assertEquals(before, userState());
    }
}
