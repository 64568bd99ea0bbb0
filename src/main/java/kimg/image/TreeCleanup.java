package kimg.image;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.TreeRemoval;
import kimg.fs.FileTrees;

/**
 * Deletes trees and files kimg made in the output and cache directories (callers check that kimg made them: an
 * owned output, a kimg-named staging path, a cache entry). Each first unmounts what a killed package manager left
 * mounted inside, and only there.
 */
record TreeCleanup(Exec exec) {
    /** Deletes a small tree or a file in-process; a missing path is fine. */
    void delete(Path path) {
        if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        unmountStale(path);
        FileTrees.deleteRecursively(path);
    }

    /**
     * Deletes a big tree as the step {@code step} with its own status line: renamed aside, then {@code rm -rf} in
     * a child ({@link TreeRemoval}). A file or a missing path goes to {@link #delete}.
     */
    void remove(String step, Path path) {
        if (path == null || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            delete(path);
            return;
        }
        unmountStale(path);
        TreeRemoval.remove(exec, step, List.of(path));
    }

    /**
     * Deletes a big tree without making the caller wait: renamed aside now, {@code rm -rf} as the step
     * {@code step} in the background ({@link TreeRemoval#removeInBackground}).
     */
    void removeInBackground(String step, Path path) {
        if (path == null || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            delete(path);
            return;
        }
        unmountStale(path);
        TreeRemoval.removeInBackground(exec, step, path);
    }

    private void unmountStale(Path path) {
        for (String mount : Mounts.below(path)) {
            exec.runUnchecked("umount-stale", Cmd.of("umount", "--lazy", "--", mount));
        }
        if (!Mounts.below(path).isEmpty()) {
            throw StepFailed.because("cleanup", "cannot remove " + path + ": something is still mounted inside");
        }
    }
}
