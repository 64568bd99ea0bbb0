package kimg.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What kills kimg's children when the JVM cannot: after SIGKILL no shutdown hook runs, and a double-forked daemon
 * (or make's cc1 once make is gone) is no longer anybody's descendant, so {@code ProcessHandle.descendants()}
 * cannot find it. Two parts:
 *
 * <ul>
 *   <li>A <b>watchdog</b>: one {@code sh} per kimg run, in its own session (Ctrl-C on the terminal does not reach
 *       it) and ignoring INT/TERM/HUP, that blocks reading a pipe from the JVM. The pipe closes when the JVM is
 *       gone, however it died; the watchdog then kills everything kimg started and removes its cgroups.
 *   <li>A <b>scope</b> per started process: with a writable cgroup v2 hierarchy (root here; a delegated
 *       subtree elsewhere) a child cgroup {@code kimg-<pid>/<n>} beside kimg's own cgroup, which the process
 *       enters before it execs. Nothing leaves a cgroup by forking, double-forking or {@code setsid}, and
 *       {@code cgroup.kill} (Linux 5.14) kills all of it at once: when the step ends (a daemon a build script left
 *       behind dies with its step), when kimg exits, and from the watchdog. Without cgroup v2 the scope is the
 *       child's own process group (via {@code setsid}), which the watchdog kills with {@code kill -KILL -PGID}
 *       when the step ends and when kimg is gone; that catches make's compilers and virtiofsd's sandbox child but
 *       not a daemon that made its own session. {@code -Dkimg.reaper=group} forces the fallback (tests).
 * </ul>
 *
 * <p>Why not the alternatives: the JVM cannot {@code prctl(PR_SET_CHILD_SUBREAPER)} or set a pdeathsig on its
 * children itself; {@code setpriv --pdeathsig KILL} reaches only the direct child, and fires when the Java
 * <em>thread</em> that forked it ends (prctl(2)), not the JVM; {@code systemd-run --scope} needs a running systemd
 * (this machine has none) and still something to stop the scope after SIGKILL. The wrapper is
 * {@code setsid sh -c 'echo 0 >"$0" && exec "$@"' CGROUP/cgroup.procs ARGV...}: the command's argv are
 * positional parameters, never parsed by the shell, and both wrappers exec, so the PID kimg holds is the
 * command's. Cost per started process, measured on this machine (2 cores, load 15 from other builds, 200 runs of
 * {@code true} from Java): bare 2.2-3.0 ms, wrapped 7.6-8.9 ms; of the 5 ms, {@code setsid} is 3-4 ms (its exec
 * and locale set-up), {@code sh} 0.5-1 ms, the cgroup's mkdir + kill + rmdir 0.2-0.6 ms. kimg starts tens of
 * processes per run (make starts the compilers, not kimg), against steps of seconds; the watchdog is one more
 * {@code sh} per run.
 */
final class Reaper {
    /** How a process enters its scope: the argv prefix, and what to do when its step is over. */
    interface Scope {
        /** {@code argv} wrapped so that the process enters the scope. */
        List<String> wrap(List<String> argv);

        /** Tells the watchdog about the started process (fallback: its process group). */
        void started(long pid);

        /** Kills whatever is left in the scope (cgroup.kill) and forgets it. Safe to call twice. */
        void close();
    }

    private static final String WATCHDOG = String.join("\n",
            "trap '' INT TERM HUP QUIT PIPE",
            "groups=' '",
            // +PGID / -PGID lines track the fallback's live process groups; EOF means the JVM is gone.
            "while read -r line; do",
            "  case $line in",
            "    +*) groups=\"$groups${line#+} \" ;;",
            // -PGID: the step is over; what is left of its group dies now, as a cgroup's would.
            "    -*) kill -KILL \"-${line#-}\" 2>/dev/null; groups=$(printf %s \"$groups\" | sed \"s/ ${line#-} / /\") ;;",
            "  esac",
            "done",
            "if [ -n \"$0\" ] && [ -e \"$0/cgroup.kill\" ]; then echo 1 >\"$0/cgroup.kill\"; fi",
            "for g in $groups; do kill -KILL \"-$g\" 2>/dev/null; done",
            "if [ -n \"$0\" ]; then",
            "  i=0",
            "  while grep -q 'populated 1' \"$0/cgroup.events\" 2>/dev/null && [ $i -lt 50 ]; do"
                    + " sleep 0.1; i=$((i + 1)); done",
            "  for d in \"$0\"/*/; do [ -d \"$d\" ] && rmdir \"$d\"; done",
            "  rmdir \"$0\"",
            "fi");

    private static Reaper instance;

    private final Path cgroup;
    private final Process watchdog;
    private final OutputStream toWatchdog;
    private final AtomicInteger next = new AtomicInteger();

    private Reaper(Path cgroup, Process watchdog) {
        this.cgroup = cgroup;
        this.watchdog = watchdog;
        this.toWatchdog = watchdog.getOutputStream();
    }

    /** The run's reaper, started on first use (so {@code kimg summary} starts nothing). */
    static synchronized Reaper get() throws IOException {
        if (instance == null) {
            Path cg = ownCgroup();
            ProcessBuilder pb = new ProcessBuilder("setsid", "/bin/sh", "-c", WATCHDOG,
                    cg == null ? "" : cg.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            instance = new Reaper(cg, pb.start());
        }
        return instance;
    }

    /** Whether children are tracked by a cgroup (else by process group). */
    boolean usesCgroup() {
        return cgroup != null;
    }

    Path cgroup() {
        return cgroup;
    }

    /**
     * A new scope for one process. With {@code ownSession} the process also starts a new session (and so process
     * group): a Ctrl-C on kimg's terminal then reaches kimg alone, which stops its children in order. A process
     * attached to the terminal (QEMU's console, gdb, ssh) stays in kimg's foreground group, or it could not read
     * the terminal.
     */
    Scope newScope(boolean ownSession) throws IOException {
        if (cgroup == null) {
            return new GroupScope(ownSession);
        }
        Path dir = cgroup.resolve(Integer.toString(next.incrementAndGet()));
        Files.createDirectory(dir);
        return new CgroupScope(dir, ownSession);
    }

    /** {@link #shutdown} of the run's reaper, if one was started. */
    static synchronized void shutdownIfStarted() {
        if (instance != null) {
            instance.shutdown();
        }
    }

    /** Kills everything in kimg's cgroup (normal exit: after the trees were asked to stop) and lets the watchdog go. */
    synchronized void shutdown() {
        if (cgroup != null) {
            kill(cgroup);
        }
        try {
            // The watchdog now finds nothing alive, tidies the cgroups and exits.
            toWatchdog.close();
        } catch (IOException e) {
            // it is gone already
        }
    }

    private void tell(String line) {
        synchronized (this) {
            try {
                toWatchdog.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                toWatchdog.flush();
            } catch (IOException e) {
                // A dead watchdog cannot be told; the shutdown hook still kills the trees.
            }
        }
    }

    private static void kill(Path cg) {
        try {
            Files.writeString(cg.resolve("cgroup.kill"), "1");
        } catch (IOException e) {
            // removed already
        }
    }

    /**
     * {@code <cgroup2 mount><own cgroup>/kimg-<pid>}, created, or null when there is no writable cgroup v2
     * hierarchy with cgroup.kill. The JVM stays where it is: only its children go below, so the parent has no
     * controllers to hand down and cgroup v2's no-internal-processes rule does not apply.
     */
    private static Path ownCgroup() {
        if ("group".equals(System.getProperty("kimg.reaper"))) {
            return null; // the fallback, as on a host without cgroup v2 (tests)
        }
        try {
            Path mount = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // "... mountpoint options - cgroup2 source opts"
                String[] halves = line.split(" - ", 2);
                if (halves.length == 2 && halves[1].startsWith("cgroup2 ")) {
                    mount = Path.of(halves[0].split(" ")[4]);
                    break;
                }
            }
            if (mount == null) {
                return null;
            }
            String own = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    own = line.substring(3);
                }
            }
            if (own == null) {
                return null;
            }
            Path dir = mount.resolve(own.replaceFirst("^/+", "")).resolve("kimg-" + ProcessHandle.current().pid());
            if (!Files.isDirectory(dir)) {
                Files.createDirectory(dir);
            }
            if (!Files.isWritable(dir.resolve("cgroup.kill")) || !Files.isWritable(dir.resolve("cgroup.procs"))) {
                Files.deleteIfExists(dir);
                return null;
            }
            return dir;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private final class CgroupScope implements Scope {
        private final Path dir;
        private final boolean ownSession;
        private boolean closed;

        CgroupScope(Path dir, boolean ownSession) {
            this.dir = dir;
            this.ownSession = ownSession;
        }

        @Override
        public List<String> wrap(List<String> argv) {
            var out = new ArrayList<String>();
            if (ownSession) {
                out.add("setsid");
            }
            out.addAll(List.of("/bin/sh", "-c", "echo 0 >\"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString()));
            out.addAll(argv);
            return out;
        }

        @Override
        public void started(long pid) {}

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            kill(dir);
            // rmdir succeeds once the killed processes are reaped; a few are reparented and reaped by init a
            // moment later, so try briefly and otherwise leave it to the watchdog.
            for (int i = 0; i < 40; i++) {
                try {
                    Files.deleteIfExists(dir);
                    return;
                } catch (IOException e) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    private final class GroupScope implements Scope {
        private final boolean ownSession;
        private long group;

        GroupScope(boolean ownSession) {
            this.ownSession = ownSession;
        }

        @Override
        public List<String> wrap(List<String> argv) {
            var out = new ArrayList<String>();
            if (ownSession) {
                out.add("setsid");
            }
            out.addAll(argv);
            return out;
        }

        @Override
        public synchronized void started(long pid) {
            if (!ownSession) {
                return; // kimg's own process group: never the watchdog's to kill
            }
            group = pid;
            tell("+" + pid);
        }

        @Override
        public synchronized void close() {
            if (group != 0) {
                tell("-" + group);
                group = 0;
            }
        }
    }

    /** For the shutdown hook's ordering: the watchdog process (tests). */
    Process watchdog() {
        return watchdog;
    }
}
