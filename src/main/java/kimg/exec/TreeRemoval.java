package kimg.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import java.util.stream.Stream;
import kimg.fs.OwnedPaths;

/**
 * Deleting a big tree (an image root, a kernel build directory, a cached distribution tree) as a step of its
 * own: the tree is first renamed to a {@code .kimg-trash-*} sibling (instant, so its name is free at once), then
 * {@code rm -rf} deletes it in a child, so the status line ticks and the step's final line says how long it took
 * (Java's own walk deleted 30–55 s of files with nothing on the screen). The trash is stamped as kimg's
 * ({@link OwnedPaths}) before the rename: a run killed half-way leaves trash that {@link #leftovers} finds.
 *
 * <p>{@link #removeInBackground} does the same without blocking the caller (the old image tree of {@code -f build}):
 * the rename is done at once, the {@code rm -rf} runs while kimg goes on, and {@link #awaitBackground} (called by
 * {@code Main} before kimg exits) waits for it. kimg waits rather than leaving the rest to the next run: the disk
 * space is back when the command returns, a series of short runs cannot pile up trash, and no child outlives kimg.
 * On a signal the shutdown hook kills the {@code rm} like any child; the stamped trash is then what the next run's
 * {@link #leftovers} finds.
 */
public final class TreeRemoval {
    static final String PREFIX = ".kimg-trash-";
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Trash an {@code rm} of this JVM is deleting in the background, and the work doing it. */
    private static final Map<Path, CompletableFuture<Void>> IN_BACKGROUND = new ConcurrentHashMap<>();

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

    /**
     * Renames {@code tree} aside now and deletes it with {@code rm -rf} as the step {@code step} on a thread of its
     * own; {@link #awaitBackground} waits for it. A failed {@code rm} is a warning: the stamped trash stays for the
     * next run's {@link #leftovers}. A missing {@code tree} is fine.
     */
    public static void removeInBackground(Exec exec, String step, Path tree) {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = moveAside(tree);
        var done = new CompletableFuture<Void>();
        IN_BACKGROUND.put(trash, done);
        Thread worker = new Thread(() -> {
            try {
                exec.run(step, Cmd.of(argv(List.of(trash))));
                OwnedPaths.release(trash);
            } catch (RuntimeException e) {
                exec.console().warn("could not delete " + trash + " (" + e.getMessage() + "); the next run does");
            } finally {
                IN_BACKGROUND.remove(trash);
                done.complete(null);
            }
        }, "kimg-" + step);
        worker.setDaemon(true);
        worker.start();
    }

    /** Waits until every {@link #removeInBackground} of this JVM has finished. */
    public static void awaitBackground() {
        for (CompletableFuture<Void> f : List.copyOf(IN_BACKGROUND.values())) {
            f.join();
        }
    }

    /**
     * Pure: whether the entry {@code name} is trash left by a run that is over: a {@code .kimg-trash-NAME-PID-N}
     * whose process is gone, or this process's own that no background {@code rm} is deleting. A live kimg's trash
     * is its own to delete.
     */
    static boolean isAbandoned(String name, long self, LongPredicate alive, boolean inBackground) {
        if (!name.startsWith(PREFIX) || inBackground) {
            return false;
        }
        String[] parts = name.split("-");
        if (parts.length < 2) {
            return true;
        }
        try {
            long pid = Long.parseLong(parts[parts.length - 2]);
            return pid == self || !alive.test(pid);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** Trash that an interrupted run left in {@code parent}: {@code .kimg-trash-*} entries kimg stamped ({@link #isAbandoned}). */
    public static List<Path> leftovers(Path parent) {
        if (!Files.isDirectory(parent)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(parent)) {
            long self = ProcessHandle.current().pid();
            LongPredicate alive = pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return s.filter(p -> isAbandoned(p.getFileName().toString(), self, alive, IN_BACKGROUND.containsKey(p))
                    && OwnedPaths.isOwned(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
