package kimg.exec;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process kimg starts is registered here so that none outlives it: on normal exit, Ctrl-C (SIGINT) or
 * SIGTERM the JVM's shutdown hook kills each one with its whole tree (make's compiler jobs, virtiofsd's
 * sandboxed child), taken as a snapshot first so none is forgotten once re-parented to init.
 */
public final class ChildProcesses {
    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();
    private static final Set<Runnable> CLEANUPS = ConcurrentHashMap.newKeySet();
    /** Set when the reaper starts: a process registered after that is killed at once (see register). */
    private static volatile boolean shuttingDown;
    private static final java.util.concurrent.locks.ReadWriteLock LAUNCH =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Waits for a start() in flight, so no process is forked unseen while the JVM halts.
            LAUNCH.writeLock().lock();
            try {
                shuttingDown = true;
            } finally {
                LAUNCH.writeLock().unlock();
            }
            killAll();
            runCleanups();
        }, "kimg-child-reaper"));
    }

    private ChildProcesses() {}

    /**
     * Starts and registers a process as one step with respect to the shutdown hook: a SIGTERM that arrives while
     * the main thread is inside {@code ProcessBuilder.start} would otherwise let the JVM halt before
     * {@link #register} and leave the child running (seen: a {@code cp -a} of the image tree still writing after
     * kimg was gone). Once shutdown has begun, nothing new starts.
     */
    public static Process start(ProcessBuilder pb) throws java.io.IOException {
        LAUNCH.readLock().lock();
        try {
            if (shuttingDown) {
                throw new java.io.IOException("kimg is shutting down");
            }
            Process p = pb.start();
            LIVE.add(p.toHandle());
            return p;
        } finally {
            LAUNCH.readLock().unlock();
        }
    }

    public static void register(Process p) {
        LIVE.add(p.toHandle());
        // For processes started elsewhere than start(): one registered after the hook's snapshot is killed here.
        if (shuttingDown) {
            killTree(p.toHandle(), 500);
        }
    }

    public static void unregister(Process p) {
        LIVE.remove(p.toHandle());
    }

    /** Kills a process and every descendant: SIGTERM first, SIGKILL for whatever is left after a grace period. */
    public static void killTree(ProcessHandle root, long graceMillis) {
        var all = new java.util.ArrayList<ProcessHandle>();
        all.add(root);
        root.descendants().forEach(all::add);
        // The root first: a shell whose child died first could still run its next command. The snapshot keeps
        // handles on the descendants, so they are signalled even after they are re-parented.
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        for (ProcessHandle h : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    // still alive: killed below
                }
            }
        }
        // Descendants spawned during the grace period are caught here too.
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        all.forEach(ProcessHandle::destroyForcibly);
        LIVE.remove(root);
    }

    /**
     * Registers work for the shutdown hook to do after every child is dead (removing a VM's socket directory),
     * for when kimg is killed before its own {@code finally} runs. Undo with {@link #forgetCleanup}.
     */
    public static void atExit(Runnable cleanup) {
        CLEANUPS.add(cleanup);
    }

    public static void forgetCleanup(Runnable cleanup) {
        CLEANUPS.remove(cleanup);
    }

    private static void runCleanups() {
        for (Runnable r : Set.copyOf(CLEANUPS)) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // Best effort while the JVM goes down.
            }
        }
    }

    public static void killAll() {
        for (ProcessHandle h : Set.copyOf(LIVE)) {
            killTree(h, 2000);
        }
    }
}
