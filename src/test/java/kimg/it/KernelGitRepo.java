package kimg.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * A git repository of the fixture's linux-source tree, for the ITs of kernels built from git (refs, patches,
 * identities, bisect): one commit tagged {@code base} with the whole tree, cached under the IT cache directory
 * keyed by the tree's name ({@code git add} of 75,000 files takes minutes). Its working tree is a hard-link copy
 * ({@code cp -al}) of the shared tree, so nothing may write through it: tests add commits with plumbing only
 * ({@link #commit}), never by editing files.
 */
final class KernelGitRepo {
    static final Map<String, String> DATES = Map.of("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z",
            "GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z", "GIT_AUTHOR_NAME", "kimg-it", "GIT_AUTHOR_EMAIL",
            "kimg-it@localhost", "GIT_COMMITTER_NAME", "kimg-it", "GIT_COMMITTER_EMAIL", "kimg-it@localhost");

    private KernelGitRepo() {}

    /** The cached repository, made on first use under the cache lock. */
    static synchronized Path repository() throws IOException {
        Path tree = KernelFixture.sourceTree();
        Path dir = KernelFixture.cacheDirectory().resolve("git-" + tree.getFileName());
        Path repo = dir.resolve("repo");
        if (Files.isDirectory(repo.resolve(".git"))) {
            return repo;
        }
        try (var lock = KernelFixture.lock()) {
            if (Files.isDirectory(repo.resolve(".git"))) {
                return repo;
            }
            Path tmp = Files.createTempDirectory(KernelFixture.cacheDirectory(), ".git-linux-");
            Exec exec = KernelFixture.exec(tmp);
            Path work = tmp.resolve("repo");
            exec.run("git-repo-copy", Cmd.of("cp", "-al", tree.toString(), work.toString()));
            exec.run("git-repo-init", Cmd.of("git", "-C", work.toString(), "init", "-q", "-b", "main", "."));
            // -f: Debian's linux-source .gitignore ignores everything at the top level.
            exec.run("git-repo-add", Cmd.of("git", "-C", work.toString(), "add", "-A", "-f"));
            exec.run("git-repo-commit", Cmd.of("git", "-C", work.toString(), "commit", "-q", "-m", "base")
                    .withEnv(DATES));
            exec.run("git-repo-tag", Cmd.of("git", "-C", work.toString(), "tag", "base"));
            // A cache left without its .git (a copy of /var/tmp that dropped .git entries) is made again.
            if (Files.exists(dir)) {
                exec.run("git-repo-stale", Cmd.of("rm", "-rf", "--one-file-system", "--", dir.toString()));
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        return repo;
    }

    /**
     * A commit on {@code parent} whose files are {@code parent}'s with {@code changes} (path → content), tagged
     * {@code tag}; made in a scratch index with fixed dates, so the same call gives the same SHA every run and
     * the working tree is never written.
     */
    static String commit(Path repo, Exec exec, String parent, String tag, String message, Map<String, String> changes)
            throws IOException {
        Path index = Files.createTempFile("kimg-it-index", "");
        Files.delete(index);
        try {
            Map<String, String> env = new java.util.HashMap<>(DATES);
            env.put("GIT_INDEX_FILE", index.toString());
            git(repo, exec, env, "read-tree", parent);
            for (var change : changes.entrySet()) {
                Path blob = Files.createTempFile("kimg-it-blob", "");
                Files.writeString(blob, change.getValue());
                String sha = git(repo, exec, env, "hash-object", "-w", blob.toString());
                Files.delete(blob);
                git(repo, exec, env, "update-index", "--add", "--cacheinfo", "100644," + sha + "," + change.getKey());
            }
            String tree = git(repo, exec, env, "write-tree");
            String commit = git(repo, exec, env, "commit-tree", tree, "-p", parent, "-m", message);
            git(repo, exec, env, "update-ref", "refs/tags/" + tag, commit);
            return commit;
        } finally {
            Files.deleteIfExists(index);
        }
    }

    /** A file's content at a commit. */
    static String show(Path repo, Exec exec, String rev, String path) {
        return String.join("\n", exec.capture("git", Cmd.of("git", "-C", repo.toString(), "show", rev + ":" + path))
                .output()) + "\n";
    }

    static String git(Path repo, Exec exec, Map<String, String> env, String... args) {
        var argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        return exec.capture("git", Cmd.of(argv).withEnv(env)).text().strip();
    }

    /**
     * What the user's repository looks like: status, HEAD, and the tree of the working tree (through a scratch
     * index, so even this check writes nothing of theirs).
     */
    static String userState(Path repo, Exec exec) throws IOException {
        Path index = Files.createTempFile("kimg-it-index", "");
        try {
            Files.copy(repo.resolve(".git/index"), index, StandardCopyOption.REPLACE_EXISTING);
            Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
            git(repo, exec, env, "add", "-A", "-f");
            return git(repo, exec, Map.of(), "status", "--porcelain") + "|" + git(repo, exec, Map.of(), "rev-parse",
                    "HEAD") + "|" + git(repo, exec, env, "write-tree");
        } finally {
            Files.deleteIfExists(index);
        }
    }
}
