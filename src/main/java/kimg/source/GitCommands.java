package kimg.source;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every git command line kimg runs on a kernel repository, as pure functions; {@link KernelCheckout} runs them and
 * golden tests pin them. Refs come from config (KernelRef=, bisect's GOOD/BAD): ValueParser.GIT_REF already refused
 * anything starting with '-', and every ref still goes after {@code --end-of-options} or as a resolved 40-hex SHA,
 * so no config value can become a git option.
 *
 * @param repo the user's repository (its working tree, HEAD and index are only read)
 */
public record GitCommands(Path repo) {
    /** kimg's own commits in its worktree ({@code git am}) are made by this identity, never the user's. */
    static final List<String> COMMITTER = List.of("-c", "user.name=kimg", "-c", "user.email=kimg@localhost");
    /** See {@link #inWorktree}. */
    static final List<String> FULL_TREE = List.of("-c", "core.sparseCheckout=false");

    /**
     * Where a KernelRef= is looked for, in order: a tag, a remote-tracking branch (as given, then under origin/),
     * then the text itself (a SHA, a local branch, HEAD~2).
     */
    public static List<String> refCandidates(String ref) {
        return List.of("refs/tags/" + ref, "refs/remotes/" + ref, "refs/remotes/origin/" + ref, ref);
    }

    /** The commit a candidate names, or exit 1 with no output: {@code git rev-parse --verify --quiet}. */
    public List<String> resolve(String candidate) {
        return git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", candidate + "^{commit}");
    }

    /** Exit 0 when resolved commit {@code ancestor} is {@code commit} or one of its ancestors, 1 when not. */
    public List<String> isAncestor(String ancestor, String commit) {
        return git(repo, "merge-base", "--is-ancestor", ancestor, commit);
    }

    /** The tree object of a resolved commit (a 40-hex SHA): what a KernelRef= without patches builds. */
    public List<String> treeOf(String commit) {
        return git(repo, "rev-parse", "--verify", "--end-of-options", commit + "^{tree}");
    }

    /** The repository's object directory as an absolute path (also from a worktree or with a .git file). */
    public List<String> objectDirectory() {
        return git(repo, "rev-parse", "--path-format=absolute", "--git-path", "objects");
    }

    /** kimg's worktree at {@code commit}; --force takes over a registration whose directory was deleted (-w). */
    public List<String> worktreeAdd(Path worktree, String commit) {
        return inWorktree(repo, "worktree", "add", "--force", "--detach", "--", worktree.toString(), commit);
    }

    /**
     * The common git directory of the repository {@code dir} belongs to, as an absolute path: the repository's own
     * {@code .git} for it and for each of its worktrees. Fails (exit 128) when {@code dir}'s {@code .git} file points
     * at an administrative directory that is gone (the repository was made again or moved).
     */
    public static List<String> commonDirectory(Path dir) {
        return inWorktree(dir, "rev-parse", "--path-format=absolute", "--git-common-dir");
    }

    /** Moves kimg's worktree to {@code commit}; unchanged files keep their mtimes, so make stays incremental. */
    public static List<String> checkout(Path worktree, String commit) {
        return inWorktree(worktree, "checkout", "--quiet", "--force", "--detach", commit);
    }

    /** Where git keeps an interrupted {@code git am} of a worktree (exists only while one is in progress). */
    public static List<String> amStateDirectory(Path worktree) {
        return inWorktree(worktree, "rev-parse", "--git-path", "rebase-apply");
    }

    public static List<String> amAbort(Path worktree) {
        return inWorktree(worktree, "am", "--abort");
    }

    /**
     * Applies one mbox (one or several patches) on the worktree's HEAD. Three-way, so a conflict names its file;
     * the committer date is the author date, so the same patches on the same base give the same commits.
     */
    public static List<String> am(Path worktree, Path mbox) {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.addAll(COMMITTER);
        argv.addAll(FULL_TREE);
        argv.addAll(List.of("-C", worktree.toString(), "am", "--3way", "--committer-date-is-author-date", "--",
                mbox.toString()));
        return argv;
    }

    /** The tree object of a worktree's HEAD: what its files are, whatever commits (and patches) led there. */
    public static List<String> headTree(Path worktree) {
        return inWorktree(worktree, "rev-parse", "--verify", "HEAD^{tree}");
    }

    /** Modified or untracked files of a worktree: empty output when it is exactly its HEAD. */
    public static List<String> status(Path worktree) {
        return inWorktree(worktree, "status", "--porcelain", "--untracked-files=normal");
    }

    /**
     * The user's working tree, uncommitted changes included, staged into a scratch index ({@code GIT_INDEX_FILE},
     * a copy of the real index so unchanged files are not re-read); with {@link #writeTree} it gives the tree hash
     * of what is on disk. The user's own index and HEAD are not touched (git only adds objects).
     */
    public List<String> addAll() {
        return git(repo, "add", "--all");
    }

    public List<String> writeTree() {
        return git(repo, "write-tree");
    }

    /**
     * A git command on kimg's worktree, which is always the whole tree: a user's sparse checkout (core.sparseCheckout
     * in .git/config, or per worktree, which {@code git worktree add} copies with its patterns; git 2.39 here does)
     * would otherwise leave most of the kernel out and drop files again at each checkout. The override lives on the
     * command line, so neither the user's config nor their sparse patterns are written.
     */
    static List<String> inWorktree(Path dir, String... args) {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.addAll(FULL_TREE);
        argv.add("-C");
        argv.add(dir.toString());
        argv.addAll(List.of(args));
        return argv;
    }

    static List<String> git(Path dir, String... args) {
        var argv = new ArrayList<String>();
        argv.add("git");
        argv.add("-C");
        argv.add(dir.toString());
        argv.addAll(List.of(args));
        return argv;
    }
}
