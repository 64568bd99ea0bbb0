package kimg.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.TreeRemoval;
import kimg.fs.FileTrees;
import kimg.fs.Sha256;

/**
 * Brings the kernel sources a build asks for into place: the user's repository at KernelRef= in kimg's own
 * worktree ({@code <kernel build root>/worktree}, kept across builds and moved with {@code git checkout --detach}, so
 * files that did not change keep their mtimes and make stays incremental), then KernelPatches= and KernelSeries=
 * applied with {@code git am}. The user's working tree, index and HEAD are never written: git only records the
 * worktree under {@code .git/worktrees} and adds objects.
 */
public final class KernelCheckout {
    /** kimg's worktree, under the kernel's build root. */
    public static final String WORKTREE = "worktree";
    /** What the worktree holds (base commit and patch contents), so an unchanged request touches no file. */
    static final String STATE_FILE = "worktree.state";

    private KernelCheckout() {}

    /** Whether the kernel is built by identity: any of KernelRef=, KernelPatches=, KernelSeries=, KernelLabel=, KernelStore=. */
    public static boolean wanted(Config config) {
        return checksOut(config) || config.optional(Settings.KERNEL_LABEL).isPresent()
                || config.optional(Settings.KERNEL_STORE).isPresent();
    }

    /** Whether the build uses kimg's worktree rather than the user's working tree. */
    public static boolean checksOut(Config config) {
        return config.optional(Settings.KERNEL_REF).isPresent() || !config.items(Settings.KERNEL_PATCHES).isEmpty()
                || config.optional(Settings.KERNEL_SERIES).isPresent();
    }

    /** The store of built identities: KernelStore=, else {@code <CacheDirectory>/kernels}. */
    public static KernelStore store(Config config) {
        return new KernelStore(config.optional(Settings.KERNEL_STORE)
                .orElse(config.cacheDirectory().resolve("kernels")));
    }

    /** The readable part of the identity, from the config alone (summary --plan shows it before any checkout). */
    public static String readable(Config config) {
        Optional<String> label = config.optional(Settings.KERNEL_LABEL);
        if (label.isPresent()) {
            return label.get();
        }
        Optional<String> ref = config.optional(Settings.KERNEL_REF);
        Optional<String> series = config.optional(Settings.KERNEL_SERIES);
        if (series.isPresent()) {
            return BuildIdentity.readableOfSeries(series.get());
        }
        return ref.map(KernelCheckout::readableOfRef).orElse("local");
    }

    /**
     * A ref's readable part; a full commit SHA (what bisect steps build) reads as its first 12 hex digits, as git
     * abbreviates it, so the release stays short and a KernelRef=<sha> names the identity its bisect step built.
     */
    static String readableOfRef(String ref) {
        return BuildIdentity.readableOf(ref.matches("[0-9a-f]{40}|[0-9a-f]{64}") ? ref.substring(0, 12) : ref);
    }

    /**
     * Checks out (or hashes) the sources of {@code repo} for a build whose kernel build root is {@code kernelRoot}.
     *
     * @throws ConfigError when the tree is not a git repository or the ref names no commit (exit 2)
     * @throws StepFailed  when a patch does not apply (naming the patch and git's conflict lines) or b4 fails
     */
    public static KernelSource prepare(Config config, Path repo, Path kernelRoot, Exec exec) {
        var git = new GitCommands(repo);
        if (!Files.exists(repo.resolve(".git"))) {
            throw new ConfigError(config.origin(Settings.BUILD_SOURCES), "BuildSources",
                    repo + " is not a git repository: KernelRef=, KernelPatches=, KernelSeries=, KernelLabel= and"
                            + " KernelStore= build a kernel by its git content");
        }
        String readable = readable(config);
        if (!checksOut(config)) {
            return new KernelSource(repo, readable, workingTreeHash(git, kernelRoot, exec), null, List.of());
        }
        String ref = config.optional(Settings.KERNEL_REF).orElse("HEAD");
        String base = resolve(git, ref, exec).orElseThrow(() -> new ConfigError(
                config.origin(Settings.KERNEL_REF), "KernelRef", "'" + ref + "' names no commit in " + repo
                        + " (looked for a tag, a remote branch, then the name itself)"));
        List<Path> patches = new ArrayList<>(patchFiles(config.items(Settings.KERNEL_PATCHES)));
        Optional<String> series = config.optional(Settings.KERNEL_SERIES);
        if (series.isPresent()) {
            patches.add(fetchSeries(series.get(), kernelRoot, exec));
        }
        Path worktree = kernelRoot.resolve(WORKTREE);
        sync(git, worktree, base, patches, kernelRoot.resolve(STATE_FILE), exec);
        String tree = exec.capture("kernel-source-tree", Cmd.of(GitCommands.headTree(worktree))).text().strip();
        return new KernelSource(worktree, readable, tree, base, patches);
    }

    /** The commit {@code ref} names: a tag, then a remote-tracking branch, then the name itself. */
    public static Optional<String> resolve(GitCommands git, String ref, Exec exec) {
        for (String candidate : GitCommands.refCandidates(ref)) {
            var r = exec.runUnchecked("kernel-resolve-ref", Cmd.of(git.resolve(candidate)));
            if (r.exitStatus() == 0) {
                String sha = firstOutputLine(r);
                if (sha.matches("[0-9a-f]{40,64}")) {
                    return Optional.of(sha);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Moves the worktree to {@code base} with {@code patches} applied, unless the state file says it is there
     * already and git sees no change in it. Each mbox is applied by its own {@code git am}, so a failure names it.
     */
    static void sync(GitCommands git, Path worktree, String base, List<Path> patches, Path stateFile, Exec exec) {
        String wanted = state(base, patches);
        boolean attached = attached(git, worktree, exec);
        if (attached && isRecorded(stateFile, wanted)
                && exec.capture("kernel-worktree-status", Cmd.of(GitCommands.status(worktree))).output().isEmpty()) {
            return;
        }
        delete(stateFile);
        if (!attached) {
            if (Files.exists(worktree, LinkOption.NOFOLLOW_LINKS)) {
                // kimg's own directory, but not a worktree of this repository: a run killed inside git worktree add,
                // a repository made again or moved, or BuildSources= now naming another clone. git refuses to add
                // a worktree over a directory that is not empty, so kimg makes it again.
                exec.console().info("kernel worktree " + worktree + " is not a worktree of " + git.repo()
                        + ": making it again");
                TreeRemoval.remove(exec, "kernel-worktree-remove", List.of(worktree));
            }
            exec.run("kernel-worktree-add", Cmd.of(git.worktreeAdd(worktree, base)));
        } else {
            String amState = exec.capture("kernel-worktree-am-state", Cmd.of(GitCommands.amStateDirectory(worktree)))
                    .text().strip();
            if (Files.isDirectory(worktree.resolve(amState))) {
                exec.run("kernel-worktree-am-abort", Cmd.of(GitCommands.amAbort(worktree)));
            }
            exec.run("kernel-worktree-checkout", Cmd.of(GitCommands.checkout(worktree, base)));
        }
        for (Path mbox : patches) {
            var r = exec.runUnchecked("kernel-patch", Cmd.of(GitCommands.am(worktree, mbox)));
            if (r.exitStatus() != 0) {
                List<String> why = conflictLines(readLog(r.log()));
                exec.runUnchecked("kernel-worktree-am-abort", Cmd.of(GitCommands.amAbort(worktree)));
                throw new StepFailed("kernel-patch", r.log(), r.exitStatus(), prepend(
                        "patch " + mbox + " does not apply on " + base.substring(0, 12), why));
            }
        }
        write(stateFile, wanted);
    }

    /**
     * Whether {@code worktree} is a working worktree of {@code git}'s repository: it has a {@code .git}, git can
     * read it, and its common git directory is the repository's.
     */
    static boolean attached(GitCommands git, Path worktree, Exec exec) {
        if (!Files.exists(worktree.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        var mine = exec.runUnchecked("kernel-worktree-common-dir", Cmd.of(GitCommands.commonDirectory(worktree)));
        if (mine.exitStatus() != 0) {
            return false;
        }
        String theirs = exec.capture("kernel-repository-common-dir", Cmd.of(GitCommands.commonDirectory(git.repo())))
                .text().strip();
        return sameFile(firstOutputLine(mine), theirs);
    }

    private static boolean sameFile(String a, String b) {
        try {
            return !a.isEmpty() && Files.isSameFile(Path.of(a), Path.of(b));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** git am's lines that say which patch failed and where: "Patch failed at", "error:", "CONFLICT". */
    static List<String> conflictLines(List<String> log) {
        return log.stream().filter(l -> l.startsWith("Patch failed at") || l.startsWith("error:")
                || l.startsWith("CONFLICT") || l.contains("patch does not apply")).toList();
    }

    /**
     * KernelPatches= as mbox files in order: a file as it is, a directory as its {@code *.patch}, {@code *.mbox}
     * and {@code *.eml} files by name (git format-patch numbers them 0001-, 0002-, ...).
     */
    public static List<Path> patchFiles(List<Path> items) {
        var out = new ArrayList<Path>();
        for (Path item : items) {
            if (!Files.isDirectory(item)) {
                out.add(item);
                continue;
            }
            try (Stream<Path> s = Files.list(item)) {
                s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().matches(".*\\.(patch|mbox|mbx|eml)"))
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** b4 am into {@code <kernelRoot>/series}: the series' mbox, applied like a KernelPatches= file. */
    static Path fetchSeries(String messageId, Path kernelRoot, Exec exec) {
        Path dir = kernelRoot.resolve("series");
        FileTrees.deleteRecursively(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exec.run("kernel-series", Cmd.of(SeriesCommand.fetch(messageId, dir)));
        Path mbox = SeriesCommand.mbox(dir);
        if (!Files.isRegularFile(mbox)) {
            throw StepFailed.because("kernel-series", "b4 am wrote no " + mbox);
        }
        return mbox;
    }

    /**
     * The tree hash of the user's working tree as it is on disk, uncommitted and untracked (not ignored) files
     * included: {@code git add --all} into a copy of the index, then {@code git write-tree}.
     */
    static String workingTreeHash(GitCommands git, Path scratchDir, Exec exec) {
        Path index = null;
        try {
            Files.createDirectories(scratchDir);
            index = Files.createTempFile(scratchDir, ".index-", "");
            Path real = git.repo().resolve(".git/index");
            if (Files.isRegularFile(real)) {
                Files.copy(real, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.delete(index);
            }
            Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
            exec.run("kernel-source-hash", Cmd.of(git.addAll()).withEnv(env));
            return exec.capture("kernel-source-tree", Cmd.of(git.writeTree()).withEnv(env)).text().strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (index != null) {
                try {
                    Files.deleteIfExists(index);
                } catch (IOException ignored) {
                    // a scratch file in kimg's own build root
                }
            }
        }
    }

    static String state(String base, List<Path> patches) {
        var sb = new StringBuilder("base " + base + "\n");
        for (Path p : patches) {
            sb.append("patch ").append(Sha256.of(p)).append(' ').append(p).append('\n');
        }
        return sb.toString();
    }

    private static List<String> prepend(String first, List<String> rest) {
        var out = new ArrayList<String>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    /** The first line a step printed, from its log ("$ command" first, then the output), stripped; "" when none. */
    private static String firstOutputLine(kimg.exec.Exec.Result r) {
        List<String> lines = readLog(r.log());
        return lines.size() >= 2 ? lines.get(1).strip() : "";
    }

    private static List<String> readLog(Path log) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code stateFile} holds {@code state} (a {@link #state} text: what the last sync made). */
    static boolean isRecorded(Path stateFile, String state) {
        return state.equals(read(stateFile));
    }

    private static String read(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path f, String text) {
        try {
            Files.writeString(f, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
