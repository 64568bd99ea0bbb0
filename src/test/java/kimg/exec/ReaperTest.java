package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step's processes live in their own scope: what a step leaves behind dies with the step, however it got
 * away from the step's process tree. (After SIGKILL of kimg itself: ProcessReapIT.)
 */
class ReaperTest {
    @TempDir
    Path dir;

    private Exec exec() {
        return new Exec(new StepLogs(dir.resolve("logs")), Console.plain(new PrintStream(OutputStream.nullOutputStream())));
    }

    @Test
    void doubleForkedChildIsReaped() throws Exception {
        assumeTrue(Reaper.get().usesCgroup(), "needs a writable cgroup v2 hierarchy");
        Path pidFile = dir.resolve("daemon.pid");
        // The daemon's parent exits at once and it makes its own session: no longer a descendant of anything kimg
        // knows, nor in kimg's process group.
        Exec.Result r = exec().run("daemonise", Cmd.of("sh", "-c",
                "setsid sh -c 'sleep 300 & echo $! >\"$0\"' \"$1\" & wait", "sh", pidFile.toString()));
        // The daemon holds the step's output pipe: the step ends when its own process does, not with the daemon.
        assertTrue(r.took().toSeconds() < 10, "the step waited for its daemon: " + r.took());
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertGone(pid);
    }

    @Test
    void aStepRunsInItsOwnSessionAndCgroupAndTheCgroupIsRemovedAfterwards() throws Exception {
        Exec.Result r = exec().capture("where", Cmd.of("sh", "-c", "cat /proc/self/cgroup; ps -o sid= -p $$"));
        long sid = Long.parseLong(r.output().get(r.output().size() - 1).strip());
        assertTrue(sid != ProcessHandle.current().pid() && sid != sessionOf(ProcessHandle.current().pid()),
                "own session: " + r.output());
        if (Reaper.get().usesCgroup()) {
            String cg = r.output().stream().filter(l -> l.startsWith("0::")).findFirst().orElseThrow();
            assertTrue(cg.contains("/kimg-" + ProcessHandle.current().pid() + "/"), cg);
            Path stepCgroup = Reaper.get().cgroup().resolve(cg.substring(cg.lastIndexOf('/') + 1));
            assertFalse(Files.exists(stepCgroup), stepCgroup + " left behind");
        }
    }

    @Test
    void theWrapperPassesArgumentsThroughUnparsed() {
        List<String> odd = List.of("$(touch " + dir.resolve("pwned") + ")", "a b", "'\"", "-n", "");
        var argv = new java.util.ArrayList<>(List.of("printf", "<%s>\\n"));
        argv.addAll(odd);
        Exec.Result r = exec().capture("odd", Cmd.of(argv));
        assertEquals(odd.stream().map(a -> "<" + a + ">").toList(), r.output());
        assertFalse(Files.exists(dir.resolve("pwned")));
    }

    static void assertGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        Optional<ProcessHandle> h;
        while ((h = ProcessHandle.of(pid)).isPresent() && h.get().isAlive() && !zombie(pid)) {
            assertTrue(System.nanoTime() < deadline, "PID " + pid + " survived: " + h.get().info());
            Thread.sleep(20);
        }
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException e) {
            return true;
        }
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[4]);
    }
}
