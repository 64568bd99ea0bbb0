package kimg.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.function.Predicate;
import kimg.exec.StepFailed;

/**
 * What kimg made, so that it deletes or replaces nothing else. A path {@code DIR/NAME} is kimg's when the stamp
 * {@code DIR/.NAME.kimg-owned} exists: written when kimg creates the path, kept across the renames of a staged
 * replace (it names the path, not an inode), removed after the path is deleted. A sibling rather than a file inside
 * because the image tree is the guest's root (the guest could delete a stamp inside it) and because an archive is a
 * file. Outputs of an older kimg that wrote no stamp are recognised by the caller ({@code legacy}) and stamped then.
 */
public final class OwnedPaths {
    static final String SUFFIX = ".kimg-owned";

    private OwnedPaths() {}

    /** The stamp of {@code path}: {@code .<name>.kimg-owned} next to it. */
    public static Path stampOf(Path path) {
        return path.resolveSibling("." + path.getFileName() + SUFFIX);
    }

    /** Whether kimg stamped {@code path} (a stamp that is a symlink or a directory does not count). */
    public static boolean isOwned(Path path) {
        return Files.isRegularFile(stampOf(path), LinkOption.NOFOLLOW_LINKS);
    }

    /** Stamps {@code path} as kimg's; call before creating it or moving something kimg made into it. */
    public static void claim(Path path) {
        Path stamp = stampOf(path);
        if (isOwned(path)) {
            return;
        }
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(stamp, "made by kimg: " + path.getFileName() + " is kimg's to delete or replace\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stamp + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates the directory {@code dir} stamped as kimg's. An existing one is stamped only if kimg made it (its
     * stamp, or {@code legacy}: kimg's own files inside, from before stamps); otherwise it is used but never
     * deleted.
     */
    public static void createDirectory(Path dir, Predicate<Path> legacy) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || legacy.test(dir)) {
            claim(dir);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fails unless {@code path} is absent or kimg's; an unstamped path that {@code legacy} recognises is stamped.
     *
     * @throws StepFailed naming {@code step} and the path kimg refuses to touch
     */
    public static void requireOwned(String step, Path path, Predicate<Path> legacy) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || isOwned(path)) {
            return;
        }
        if (legacy.test(path)) {
            claim(path);
            return;
        }
        throw StepFailed.because(step, "refusing to delete or replace " + path + ": kimg did not make it (no "
                + stampOf(path).getFileName() + " next to it); move it away or choose another output location");
    }

    /** Deletes {@code path} (a tree or a file) and its stamp, after {@link #requireOwned}. */
    public static void delete(String step, Path path, Predicate<Path> legacy) {
        requireOwned(step, path, legacy);
        FileTrees.deleteRecursively(path);
        release(path);
    }

    /** Removes the stamp of a path that is gone. */
    public static void release(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.deleteIfExists(stampOf(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** For paths with no older kimg form to recognise. */
    public static final Predicate<Path> NO_LEGACY = p -> false;
}
