package kimg.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Directory-tree chores done the same way everywhere: recursive delete, atomic replace. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes a tree without following symlinks; a missing path is fine. */
    public static void deleteRecursively(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Puts {@code fresh} where {@code target} is: the old tree is renamed aside first and deleted only after the
     * new one is in place. Between the two renames (two syscalls) only {@code <target>.old} exists; a run killed
     * right there is repaired by {@link #recover} (called here first), so a complete tree is never lost.
     */
    public static void replace(Path fresh, Path target) {
        Path old = recover(target);
        try {
            deleteRecursively(old);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(old);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + target + ": " + e.getMessage(), e);
        }
    }

    /** Puts back {@code <target>.old} when an interrupted {@link #replace} left no {@code target}. */
    public static Path recover(Path target) {
        Path old = target.resolveSibling(target.getFileName() + ".old");
        try {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS) && Files.exists(old, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore " + target + ": " + e.getMessage(), e);
        }
        return old;
    }
}
