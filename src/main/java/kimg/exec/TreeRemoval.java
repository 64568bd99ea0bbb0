package kimg.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Deleting a big tree (an image root, a kernel build directory, a cached distribution tree) as a step of its
 * own: the tree is first renamed to a {@code .kimg-trash-*} sibling (instant, so its name is free at once), then
 * {@code rm -rf} deletes it in a child, so the status line ticks and the step's final line says how long it took
 * (Java's own walk deleted 30–55 s of files with nothing on the screen). The trash is stamped as kimg's
 * ({@link OwnedPaths}) before the rename: a run killed half-way leaves trash that {@link #leftovers} finds.
 */
public final class TreeRemoval {
    static final String PREFIX = ".kimg-trash-";
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private TreeRemoval() {}

    /** {@code rm -rf --one-file-system -- TREE...}: never descends into a mount inside (a stale bind mount). */
    public static List<String> argv(List<Path> trees) {
        var argv = new ArrayList<>(List.of("rm", "-rf", "--one-file-system", "--"));
        trees.forEach(t -> argv.add(t.toString()));
        return argv;
    }

    /**
     * Renames {@code tree} to a fresh kimg-owned trash sibling and returns it ({@code .kimg-trash-NAME-PID-N}).
     *
     * @throws UncheckedIOException when the rename fails
     */
    public static Path moveAside(Path tree) {
        Path trash = tree.resolveSibling(PREFIX + tree.getFileName() + "-" + ProcessHandle.current().pid() + "-"
                + SEQUENCE.incrementAndGet());
        OwnedPaths.claim(trash);
        try {
            Files.move(tree, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            OwnedPaths.release(trash);
            throw new UncheckedIOException("cannot move " + tree + " aside: " + e.getMessage(), e);
        }
        return trash;
    }

    /**
     * Deletes {@code trees} (directories or files; missing ones are skipped) as the step {@code step}: each is
     * renamed aside, then one {@code rm -rf} removes them all. Callers check first that kimg made them.
     *
     * @throws StepFailed when rm fails (the trash stays, stamped, for the next run's {@link #leftovers})
     */
    public static void remove(Exec exec, String step, List<Path> trees) {
        var trash = new ArrayList<Path>();
        for (Path t : trees) {
            if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                trash.add(moveAside(t));
            }
        }
        if (trash.isEmpty()) {
            return;
        }
        exec.run(step, Cmd.of(argv(trash)));
        trash.forEach(OwnedPaths::release);
    }

    /** Trash that an interrupted run left in {@code parent}: {@code .kimg-trash-*} entries kimg stamped. */
    public static List<Path> leftovers(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(parent)) {
            return s.filter(p -> p.getFileName().toString().startsWith(PREFIX) && OwnedPaths.isOwned(p)).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
