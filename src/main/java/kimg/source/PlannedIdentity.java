package kimg.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * The identity a build would have, for {@code kimg summary --plan}, computed the way the build computes it
 * ({@link BuildIdentity#of}) but without writing anything of the user's or of kimg's: git runs read-only (rev-parse
 * of the ref, the worktree's HEAD tree), and the working tree is hashed into a scratch index and a scratch object
 * directory (the repository's objects as alternates). When an input is only made by the build (the .config is
 * configured first, the patches are not applied yet) the plan says so instead of guessing.
 */
public final class PlannedIdentity {
    private PlannedIdentity() {}

    /** The identity's name ({@code <readable>-<8 hex>}), or null and why it is known only at build time. */
    public record Result(String name, String why) {
        static Result known(BuildIdentity identity) {
            return new Result(identity.name(), null);
        }

        static Result unknown(String why) {
            return new Result(null, why);
        }
    }

    /**
     * @param repo           the kernel repository (BuildSources=...:kernel)
     * @param kernelRoot     the kernel's build root (kimg's worktree and its state file are there)
     * @param buildDir       the build directory the build would use
     * @param configCurrent  whether the build keeps the build directory's .config as it is (no reconfigure)
     * @param makeVariables  the build's make variables
     * @param kbuildArch     kbuild's ARCH
     * @param incremental    -i: the build keeps the identity its .config was built with
     * @param scratch        an empty directory of the caller's, for the scratch index and objects
     */
    public static Result of(Config config, Path repo, Path kernelRoot, Path buildDir, boolean configCurrent,
            List<String> makeVariables, String kbuildArch, boolean incremental, Path scratch, Exec exec) {
        Path dotConfig = buildDir.resolve(".config");
        if (!Files.isRegularFile(dotConfig)) {
            return Result.unknown("no .config yet");
        }
        List<String> lines = readLines(dotConfig);
        if (incremental) {
            return BuildIdentity.ofLocalVersion(kimg.module.LocalVersion.configLocalVersion(lines))
                    .map(Result::known).orElse(Result.unknown("-i: the build directory holds no identity build"));
        }
        if (!configCurrent) {
            return Result.unknown("the .config is remade first");
        }
        if (!Files.exists(repo.resolve(".git"))) {
            return Result.unknown(repo + " is not a git repository");
        }
        var git = new GitCommands(repo);
        String tree;
        if (!KernelCheckout.checksOut(config)) {
            tree = quarantinedTreeHash(git, scratch, exec);
        } else {
            String ref = config.optional(Settings.KERNEL_REF).orElse("HEAD");
            Optional<String> base = KernelCheckout.resolve(git, ref, exec);
            if (base.isEmpty()) {
                return Result.unknown("'" + ref + "' names no commit in " + repo);
            }
            List<Path> patches = new ArrayList<>(KernelCheckout.patchFiles(config.items(Settings.KERNEL_PATCHES)));
            if (config.optional(Settings.KERNEL_SERIES).isPresent()) {
                patches.add(SeriesCommand.mbox(kernelRoot.resolve("series")));
            }
            if (patches.isEmpty()) {
                tree = exec.capture("plan-source-tree", Cmd.of(git.treeOf(base.get()))).text().strip();
            } else {
                // The patched tree exists only once git am made it: in kimg's worktree, if it is there already.
                Path worktree = kernelRoot.resolve(KernelCheckout.WORKTREE);
                boolean there = patches.stream().allMatch(Files::isRegularFile) && Files.isDirectory(worktree)
                        && KernelCheckout.isRecorded(kernelRoot.resolve(KernelCheckout.STATE_FILE),
                                KernelCheckout.state(base.get(), patches))
                        && exec.capture("plan-worktree-status", Cmd.of(GitCommands.status(worktree))).output()
                                .isEmpty();
                if (!there) {
                    return Result.unknown("the patches are not applied yet");
                }
                tree = exec.capture("plan-source-tree", Cmd.of(GitCommands.headTree(worktree))).text().strip();
            }
        }
        return Result.known(BuildIdentity.of(KernelCheckout.readable(config), tree, lines, makeVariables,
                kbuildArch));
    }

    /**
     * The working tree's hash as {@link KernelCheckout#workingTreeHash} computes it, with the new blobs and trees
     * written to {@code scratch/objects} (the repository's own objects read through GIT_ALTERNATE_OBJECT_DIRECTORIES)
     * instead of into the repository.
     */
    static String quarantinedTreeHash(GitCommands git, Path scratch, Exec exec) {
        String objects = exec.capture("plan-objects", Cmd.of(git.objectDirectory())).text().strip();
        Path index = scratch.resolve("index");
        Path real = git.repo().resolve(".git/index");
        try {
            Files.createDirectories(scratch.resolve("objects"));
            if (Files.isRegularFile(real)) {
                Files.copy(real, index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString(), "GIT_OBJECT_DIRECTORY",
                scratch.resolve("objects").toString(), "GIT_ALTERNATE_OBJECT_DIRECTORIES", objects);
        exec.run("plan-source-hash", Cmd.of(git.addAll()).withEnv(env));
        return exec.capture("plan-source-tree", Cmd.of(git.writeTree()).withEnv(env)).text().strip();
    }

    private static List<String> readLines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
