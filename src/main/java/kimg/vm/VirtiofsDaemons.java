package kimg.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kimg.exec.ChildProcesses;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.FileTrees;
import kimg.host.HostTools;
import kimg.vm.VirtiofsdCommand.Virtiofsd;

/**
 * One virtiofsd per share, each listening on its own socket in a private directory. Closing stops every daemon
 * and removes the directory; if kimg is killed first, {@link ChildProcesses}' shutdown hook does both.
 */
final class VirtiofsDaemons implements AutoCloseable {
    static final Duration SOCKET_WAIT = Duration.ofSeconds(15);

    private final Path socketDir;
    private final List<Share> shares;
    private final List<Path> sockets;
    private final List<Process> daemons = new ArrayList<>();
    private final Runnable cleanup;

    private VirtiofsDaemons(Path socketDir, List<Share> shares, List<Path> sockets) {
        this.socketDir = socketDir;
        this.shares = List.copyOf(shares);
        this.sockets = List.copyOf(sockets);
        this.cleanup = () -> deleteTree(socketDir);
        ChildProcesses.atExit(cleanup);
    }

    /**
     * Makes the private socket directory and names a socket per share (QEMU's command line needs them) without
     * starting anything yet, so that a bad command line fails before any daemon runs.
     */
    static VirtiofsDaemons allocate(List<Share> shares) {
        Path dir;
        try {
            // Short, private (0700) and unique: sockets are limited to 108 bytes and anyone who can connect owns
            // the share.
            dir = Files.createTempDirectory("kimg-vm-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new VirtiofsDaemons(dir, shares, shares.stream().map(s -> dir.resolve(s.tag() + ".sock")).toList());
    }

    /**
     * Starts every daemon at once and returns when every socket exists (a daemon that dies first fails the step).
     * The wait is woken by inotify (the sockets' directory is watched), not by a polling sleep.
     */
    void start(Exec exec, Virtiofsd daemon) {
        if (daemon.flavour() == VirtiofsdCommand.Flavour.C && shares.stream().anyMatch(Share::readOnly)) {
            // The C daemon serves a read-only share from a read-only bind mount made by bubblewrap.
            HostTools.ensure("virtiofsd", HostTools.SANDBOX, exec);
        }
        for (Share share : shares) {
            if (!Files.isDirectory(share.hostDir())) {
                throw StepFailed.because("virtiofsd-" + share.tag(),
                        "cannot share " + share.hostDir() + " at " + share.guestPath() + ": not a directory");
            }
        }
        try (WatchService watch = socketDir.getFileSystem().newWatchService()) {
            socketDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            for (int i = 0; i < shares.size(); i++) {
                daemons.add(exec.background("virtiofsd-" + shares.get(i).tag(),
                        Cmd.of(VirtiofsdCommand.argv(daemon, shares.get(i), sockets.get(i)))));
            }
            long deadline = System.nanoTime() + SOCKET_WAIT.toNanos();
            for (int i = 0; i < shares.size(); i++) {
                awaitSocket(exec, shares.get(i), daemons.get(i), sockets.get(i), watch, deadline);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Path> sockets() {
        return sockets;
    }

    private static void awaitSocket(Exec exec, Share share, Process daemon, Path socket, WatchService watch,
            long deadline) {
        while (!Files.exists(socket)) {
            if (!daemon.isAlive()) {
                throw StepFailed.because("virtiofsd-" + share.tag(), "virtiofsd for " + share.hostDir()
                        + " exited with status " + daemon.exitValue() + " (its log is in " + exec.logs().dir() + ")");
            }
            if (System.nanoTime() > deadline) {
                throw StepFailed.because("virtiofsd-" + share.tag(), "virtiofsd for " + share.hostDir()
                        + " did not create " + socket + " within " + SOCKET_WAIT.toSeconds() + " s");
            }
            try {
                // Any creation in the directory wakes this; the timeout only bounds how late a dead daemon is seen.
                WatchKey key = watch.poll(50, TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailed("interrupted", null, 130, List.of("interrupted"));
            }
        }
    }

    @Override
    public void close() {
        for (Process p : daemons) {
            Exec.stop(p);
        }
        deleteTree(socketDir);
        ChildProcesses.forgetCleanup(cleanup);
    }

    /** Best effort: also runs from the shutdown hook, where a failure must not stop the other cleanups. */
    private static void deleteTree(Path dir) {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (java.io.UncheckedIOException e) {
            // Already gone, or going: nothing more to do at teardown.
        }
    }
}
