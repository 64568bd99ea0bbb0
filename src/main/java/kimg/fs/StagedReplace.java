package kimg.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import kimg.fs.FileTrees;

/**
 * Staged replace, the one way kimg puts a tree or a file it made where an older one may be: the new one is built
 * under a staging sibling {@code .kimg-tmp-NAME-PID} and renamed into place only when complete.
 *
 * <p>The contract (tested in {@code StagedReplaceTest}):
 * <ul>
 *   <li>Never half-written: {@code target} only ever names a complete tree or file; the new one arrives by one
 *       rename.</li>
 *   <li>The old one is replaced only when the new one is complete: a tree is renamed aside to
 *       {@code .kimg-previous-NAME} just before the new one is renamed in, and deleted after; a file is replaced
 *       by one rename over it.</li>
 *   <li>Leftovers of an interrupted run are pruned by {@link #prune}: a staging sibling whose process is gone is
 *       deleted; a tree left aside is put back when its target is missing (killed between the two renames) and
 *       deleted otherwise.</li>
 * </ul>
 * The staging name carries the pid because a directory may be shared by several kimg processes (a
 * CacheDirectory= used by several projects, which one project's lock does not cover). Staging and target must be
 * on one file system: renames are atomic or fail.
 */
public final class StagedReplace {
    static final String STAGING_PREFIX = ".kimg-tmp-";
    static final String ASIDE_PREFIX = ".kimg-previous-";

    /** Staging paths this JVM is filling right now: never leftovers, whatever their pid says. */
    private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

    private StagedReplace() {}

    /** What {@link #prune} does with one entry of a directory. */
    public enum Leftover { KEEP, DELETE, RESTORE }

    /** Work that fills a staging path; may throw. */
    @FunctionalInterface
    public interface Fill {
        void into(Path staging) throws IOException;
    }

    /** The staging sibling of {@code target} for this process: {@code .kimg-tmp-NAME-PID}. */
    public static Path stagingFor(Path target) {
        return target.resolveSibling(STAGING_PREFIX + target.getFileName() + "-" + ProcessHandle.current().pid());
    }

    /** The sibling an old tree is renamed to while the new one moves in: {@code .kimg-previous-NAME}. */
    public static Path asideOf(Path target) {
        return target.resolveSibling(ASIDE_PREFIX + target.getFileName());
    }

    /**
     * Pure: what {@link #prune} does with the directory entry {@code name}, given the other names in the directory,
     * this process's pid, which pids are alive and which staging names this JVM is filling.
     */
    public static Leftover classify(String name, Set<String> siblings, long self, LongPredicate alive,
            Set<String> inProgress) {
        if (name.startsWith(STAGING_PREFIX)) {
            if (inProgress.contains(name)) {
                return Leftover.KEEP;
            }
            long pid;
            try {
                pid = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
            } catch (NumberFormatException e) {
                return Leftover.DELETE;
            }
            return pid != self && alive.test(pid) ? Leftover.KEEP : Leftover.DELETE;
        }
        if (name.startsWith(ASIDE_PREFIX)) {
            return siblings.contains(name.substring(ASIDE_PREFIX.length())) ? Leftover.DELETE : Leftover.RESTORE;
        }
        return Leftover.KEEP;
    }

    /** {@link #prune(Path, Consumer)} deleting with a plain recursive delete. */
    public static void prune(Path dir) {
        prune(dir, FileTrees::deleteRecursively);
    }

    /**
     * Prunes what interrupted runs left in {@code dir} ({@link #classify}); {@code delete} removes a tree or file
     * kimg made (callers may unmount first, or delete in a child).
     */
    public static void prune(Path dir, Consumer<Path> delete) {
        List<Path> entries = FileTrees.list(dir);
        Set<String> names = Set.copyOf(entries.stream().map(p -> p.getFileName().toString()).toList());
        Set<String> filling = Set.copyOf(IN_PROGRESS.stream().filter(p -> dir.equals(p.getParent()))
                .map(p -> p.getFileName().toString()).toList());
        long self = ProcessHandle.current().pid();
        LongPredicate alive = pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        for (Path e : entries) {
            switch (classify(e.getFileName().toString(), names, self, alive, filling)) {
                case DELETE -> delete.accept(e);
                case RESTORE -> move(e, e.resolveSibling(e.getFileName().toString().substring(ASIDE_PREFIX.length())));
                case KEEP -> { }
            }
        }
    }

    /**
     * Fills a fresh staging directory of {@code target} and commits it with {@link #commit}; when {@code fill}
     * fails the staging is deleted and {@code target} stays as it was.
     *
     * @param deleteOld removes the old tree once the new one is in place
     */
    public static void replaceTree(Path target, Fill fill, Consumer<Path> deleteOld) {
        Path staging = begin(target);
        try {
            fill.into(staging);
            commit(staging, target, deleteOld);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + target + ": " + e.getMessage(), e);
        } finally {
            end(staging);
        }
    }

    /**
     * Writes a file through a staging sibling and renames it over {@code target} (one rename: readers see the old
     * file or the new one, never part of one). When {@code fill} fails, {@code target} stays as it was.
     */
    public static void replaceFile(Path target, Fill fill) {
        Path staging = stagingFor(target);
        IN_PROGRESS.add(staging);
        try {
            Files.deleteIfExists(staging);
            fill.into(staging);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            end(staging);
        }
    }

    /**
     * A fresh, empty staging directory for {@code target}, marked as being filled by this JVM until {@link #end}.
     */
    public static Path begin(Path target) {
        Path staging = stagingFor(target);
        IN_PROGRESS.add(staging);
        FileTrees.deleteRecursively(staging);
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            IN_PROGRESS.remove(staging);
            throw new UncheckedIOException("cannot create " + staging + ": " + e.getMessage(), e);
        }
        return staging;
    }

    /** Deletes what is left of a staging path (nothing after a commit) and stops marking it as in progress. */
    public static void end(Path staging) {
        end(staging, FileTrees::deleteRecursively);
    }

    /** {@link #end(Path)} with {@code delete} removing what is left (a caller that unmounts first). */
    public static void end(Path staging, Consumer<Path> delete) {
        try {
            if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                delete.accept(staging);
            }
        } finally {
            IN_PROGRESS.remove(staging);
        }
    }

    /** {@link #commit(Path, Path, Consumer)} deleting the old tree with a plain recursive delete. */
    public static void commit(Path fresh, Path target) {
        commit(fresh, target, FileTrees::deleteRecursively);
    }

    /**
     * Puts the complete tree {@code fresh} (any path on the same file system) where {@code target} is: an old
     * tree left aside by an interrupted commit is put back or deleted first, the current one is renamed aside, the
     * fresh one renamed in, and only then the old one handed to {@code deleteOld}.
     */
    public static void commit(Path fresh, Path target, Consumer<Path> deleteOld) {
        Path aside = asideOf(target);
        if (Files.exists(aside, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteOld.accept(aside);
            } else {
                move(aside, target);
            }
        }
        boolean hadOld = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (hadOld) {
            move(target, aside);
        }
        move(fresh, target);
        if (hadOld) {
            deleteOld.accept(aside);
        }
    }

    /** An atomic rename; one across file systems fails rather than copying. */
    public static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to
                    + " atomically (different file systems?)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }
}
