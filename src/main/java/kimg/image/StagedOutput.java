package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import kimg.exec.Exec;
import kimg.exec.TreeRemoval;
import kimg.fs.FileTrees;
import kimg.fs.OwnedPaths;
import kimg.fs.StagedReplace;

/**
 * The image's outputs replaced as a whole from a staging directory ({@link StagedReplace}), and what an
 * interrupted run left behind. Every path replaced or deleted is checked first to be kimg's ({@link OwnedPaths}).
 */
final class StagedOutput {
    /** The staging directory's name before {@link StagedReplace} (an older kimg's leftovers). */
    private static final String OLD_STAGING_PREFIX = ".kimg-staging-";

    private final OutputPaths paths;
    private final Exec exec;
    private final TreeCleanup cleanup;

    StagedOutput(OutputPaths paths, Exec exec) {
        this.paths = paths;
        this.exec = exec;
        this.cleanup = new TreeCleanup(exec);
    }

    /** A fresh staging directory for the outputs, {@code .kimg-tmp-<Output>-<pid>} in OutputDirectory=. */
    Path begin() {
        return StagedReplace.begin(paths.tree());
    }

    /** Deletes what is left of the staging directory (after a failure: the partial image). */
    void end(Path staging) {
        StagedReplace.end(staging, cleanup::delete);
    }

    /**
     * Replaces the previous outputs with the staged ones. The state file goes first (a crash in between means the
     * next run rebuilds, never that it trusts a half-swapped output); the old tree is renamed aside and put back
     * by {@link #pruneLeftovers} if kimg dies before the new one is in place.
     *
     * @param inputs what the state file records ({@link OutputStamp#inputs})
     */
    void swapIn(Path staging, String format, List<String> inputs, StepTimes times) {
        Instant start = Instant.now();
        cleanup.delete(paths.stateFile());
        OwnedPaths.requireOwned("image-swap", paths.tree(), paths::madeByOlderKimg);
        OwnedPaths.claim(paths.tree());
        // The old tree (hundreds of MB, 30 s of deleting) goes in the background: the build does not wait for it.
        StagedReplace.commit(staging.resolve("root"), paths.tree(),
                old -> cleanup.removeInBackground("remove-old-image", old));
        Path knownHosts = staging.resolve("known_hosts");
        if (Files.isRegularFile(knownHosts)) {
            moveOwned(knownHosts, paths.knownHosts());
        } else {
            deleteOwned("image-swap", paths.knownHosts());
        }
        Path archive = paths.archive(format);
        if (archive != null) {
            moveOwned(staging.resolve(archive.getFileName().toString()), archive);
        }
        for (Path produced : FileTrees.list(staging.resolve("outputs"))) {
            Path target = paths.outputDirectory().resolve(produced.getFileName().toString());
            deleteOwned("postinst-output", target);
            moveOwned(produced, target);
        }
        end(staging);
        try {
            Files.writeString(paths.stateFile(), OutputStamp.text(inputs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        times.add("image-swap", Duration.between(start, Instant.now()));
    }

    private void moveOwned(Path staged, Path target) {
        OwnedPaths.requireOwned("image-swap", target, paths::madeByOlderKimg);
        OwnedPaths.claim(target);
        StagedReplace.move(staged, target);
    }

    /** Deletes an output (tree, archive, postinst output) after checking kimg made it, then its stamp. */
    void deleteOwned(String step, Path output) {
        OwnedPaths.requireOwned(step, output, paths::madeByOlderKimg);
        cleanup.remove(step, output);
        OwnedPaths.release(output);
    }

    /**
     * Under the project lock nothing else builds this output, so staging directories whose kimg is gone are
     * leftovers and a tree renamed aside without its replacement in place is put back ({@link StagedReplace#prune});
     * trees a killed run had renamed aside to delete ({@link TreeRemoval}) are deleted.
     */
    void pruneLeftovers(RootfsCache cache) {
        StagedReplace.prune(paths.outputDirectory(), p -> cleanup.remove("remove-leftovers", p));
        for (Path e : FileTrees.list(paths.outputDirectory())) {
            if (e.getFileName().toString().startsWith(OLD_STAGING_PREFIX)) {
                cleanup.remove("remove-leftovers", e);
            }
        }
        cache.pruneLeftovers();
        for (Path dir : List.of(paths.outputDirectory(), cache.directory())) {
            for (Path trash : TreeRemoval.leftovers(dir)) {
                cleanup.remove("remove-trash", trash);
                OwnedPaths.release(trash);
            }
        }
    }
}
