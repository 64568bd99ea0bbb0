package kimg.exec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process kimg starts is registered here so that none outlives it: on normal exit, Ctrl-C (SIGINT) or
 * SIGTERM the JVM's shutdown hook kills each one with its whole tree (make's compiler jobs, virtiofsd's
 * sandboxed child), taken as a snapshot first so none is forgotten once re-parented to init, and then whatever
 * is left in its {@link Reaper} scope (a double-forked daemon). After SIGKILL, when no hook runs, the reaper's
 * watchdog does the killing.
 */
public final class ChildProcesses {
    private static final Set<ProcessHandle> LIVE = ConcurrentHashMap.newKeySet();
    private static final Map<ProcessHandle, Reaper.Scope> SCOPES = new ConcurrentHashMap<>();
    private static final Set<Runnable> CLEANUPS = ConcurrentHashMap.newKeySet();
    /** Set when the reaper starts: a process registered after that is killed at once (see register). */
    private static volatile boolean shuttingDown;
    /** Set by {@code Main.main} around the command: the hook then knows a signal, not an exit, stopped kimg. */
    private static volatile boolean commandRunning;
    private static final java.util.concurrent.locks.ReadWriteLock LAUNCH =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Waits for a start() in flight, so no process is forked unseen while the JVM halts.
            LAUNCH.writeLock().lock();
            try {
                shuttingDown = true;
                if (commandRunning) {
                    // The hook runs while main() has not returned: a signal (Ctrl-C, SIGTERM), not kimg's own exit.
                    // Said here, because the JVM halts once the hooks are done, whatever the main thread prints.
                    System.err.println("kimg: interrupted");
                }
            } finally {
                LAUNCH.writeLock().unlock();
            }
            killAll();
            Reaper.shutdownIfStarted();
            runCleanups();
        }, "kimg-child-reaper"));
    }

    private ChildProcesses() {}

    /** Marks the command as running ({@code true}) or done, for the interruption notice of the shutdown hook. */
    public static void commandRunning(boolean running) {
        commandRunning = running;
    }

    /**
     * Whether kimg is stopping (Ctrl-C, SIGTERM, or its normal exit): a step that fails now was most likely
     * killed by the shutdown hook, and its failure is the interruption, not the step's own.
     */
    public static boolean stopping() {
        return shuttingDown;
    }

    /**
     * Starts and registers a process as one step with respect to the shutdown hook: a SIGTERM that arrives while
     * the main thread is inside {@code ProcessBuilder.start} would otherwise let the JVM halt before
     * {@link #register} and leave the child running (seen: a {@code cp -a} of the image tree still writing after
     * kimg was gone). Once shutdown has begun, nothing new starts.
     */
    public static Process start(ProcessBuilder pb) throws java.io.IOException {
        return start(pb, true);
    }

    /**
     * Starts a process in its own {@link Reaper} scope. {@code ownSession} false keeps it in kimg's process group
     * (a process that reads kimg's terminal: QEMU's console, gdb, ssh).
     */
    public static Process start(ProcessBuilder pb, boolean ownSession) throws java.io.IOException {
        LAUNCH.readLock().lock();
        try {
            if (shuttingDown) {
                throw new java.io.IOException("kimg is shutting down");
            }
            Reaper.Scope scope = Reaper.get().newScope(ownSession);
            List<String> argv = List.copyOf(pb.command());
            pb.command(scope.wrap(argv));
            Process p;
            try {
                p = pb.start();
            } catch (java.io.IOException | RuntimeException e) {
                scope.close();
                throw e;
            } finally {
                pb.command(argv);
            }
            scope.started(p.pid());
            ProcessHandle h = p.toHandle();
            SCOPES.put(h, scope);
            LIVE.add(h);
            // When the step's own process ends, so does the step: a daemon it left behind would otherwise also
            // hold its output pipe open, and kimg would wait for that pipe's end as long as the daemon lives.
            // A thread of its own on Process.waitFor, not ProcessHandle.onExit: that one waits through the JDK's
            // shared completion machinery, and under load (a kernel build cycling pid_max) a step was seen waiting
            // 300 s for its daemon's pipe although its own process had ended.
            Thread closer = new Thread(() -> {
                try {
                    p.waitFor();
                } catch (InterruptedException e) {
                    return;
                }
                closeScope(h);
            }, "kimg-scope-" + p.pid());
            closer.setDaemon(true);
            closer.start();
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

    /** Forgets a finished process and kills what its step left behind (a daemon it double-forked). */
    public static void unregister(Process p) {
        LIVE.remove(p.toHandle());
        closeScope(p.toHandle());
    }

    private static void closeScope(ProcessHandle h) {
        Reaper.Scope scope = SCOPES.remove(h);
        if (scope != null) {
            scope.close();
        }
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
            if (!awaitExit(h, deadline)) {
                break; // interrupted or out of time: killed below
            }
        }
        // Descendants spawned during the grace period are caught here too.
        root.descendants().forEach(ProcessHandle::destroyForcibly);
        all.forEach(ProcessHandle::destroyForcibly);
        // What no longer descends from root (double-forked, or orphaned before the snapshot) is in its scope.
        closeScope(root);
        LIVE.remove(root);
    }

    /**
     * Waits until {@code h} has exited or {@code deadline} (System.nanoTime) passes; false if it still runs.
     * Polls every 10 ms, and an exited process that nobody reaped yet (a zombie) counts as exited: the tree's
     * root dies first, its children become orphans, and their reaping is up to PID 1 (on our machines it took
     * 1.9 s), while {@code onExit()} and {@code isAlive()} wait for the reaping, and for a process that is not
     * kimg's own child {@code onExit()} first looks after 300 ms (JDK 17's ProcessHandleImpl). Together they
     * added 0.3-1.5 s to {@code kimg run}'s teardown whenever virtiofsd was still up as QEMU exited (strace).
     */
    static boolean awaitExit(ProcessHandle h, long deadline) {
        while (h.isAlive() && !exitedUnreaped(h.pid())) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Linux: /proc/PID/stat says Z (zombie) or X (dead). Anywhere else: false, and isAlive() alone decides. */
    static boolean exitedUnreaped(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so the state follows the last ')'.
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
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
