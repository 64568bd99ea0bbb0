package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecTest {
    @TempDir
    Path dir;

    private Exec exec() {
        return new Exec(new StepLogs(dir.resolve("logs")), Console.plain(new java.io.PrintStream(
                java.io.OutputStream.nullOutputStream())));
    }

    @Test
    void eachStepGetsANumberedLogAndASummaryLine() throws IOException {
        Exec e = exec();
        e.run("first", Cmd.of("sh", "-c", "echo hello"));
        Exec.Result r = e.capture("second", Cmd.of("sh", "-c", "echo out; echo err >&2"));
        assertEquals(List.of("out", "err"), r.output().stream().sorted((a, b) -> b.compareTo(a)).toList());
        assertTrue(Files.readString(dir.resolve("logs/01-first.log")).contains("hello"));
        assertTrue(r.log().getFileName().toString().startsWith("02-second"));
        List<String> summary = Files.readAllLines(dir.resolve("logs/summary.txt"));
        assertEquals(2, summary.size());
        assertTrue(summary.get(0).startsWith("first"), summary.get(0));
    }

    @Test
    void nonZeroExitIsStepFailedWithTailAndLog() {
        StepFailed f = assertThrows(StepFailed.class,
                () -> exec().run("compile", Cmd.of("sh", "-c", "for i in $(seq 1 30); do echo line$i; done; exit 3")));
        assertEquals(3, f.exitStatus());
        assertEquals("compile", f.step());
        assertEquals(Exec.TAIL_LINES, f.lastLines().size());
        assertEquals("line30", f.lastLines().get(f.lastLines().size() - 1));
        assertTrue(Files.exists(f.log()));
    }

    @Test
    void environmentAndWorkingDirectoryAreApplied() {
        Exec.Result r = exec().capture("env", Cmd.of("sh", "-c", "echo $FOO; pwd").in(dir)
                .withEnv(java.util.Map.of("FOO", "bar")));
        assertEquals(List.of("bar", dir.toString()), r.output());
    }

    @Test
    void missingProgramIsAStepFailureNotACrash() {
        StepFailed f = assertThrows(StepFailed.class, () -> exec().run("x", Cmd.of("/nonexistent/tool")));
        assertTrue(f.getMessage().contains("/nonexistent/tool") || f.lastLines().get(0).contains("/nonexistent/tool"));
    }

    @Test
    void killTreeKillsGrandchildren() throws Exception {
        // sh starts a grandchild sleep; killing the tree must end both.
        Process p = exec().background("sleeper", Cmd.of("sh", "-c", "sleep 300 & sleep 300; wait"));
        List<ProcessHandle> kids = twoDescendants(p);
        Exec.stop(p);
        assertFalse(p.isAlive());
        for (ProcessHandle k : kids) {
            k.onExit().get(5, TimeUnit.SECONDS);
            assertFalse(k.isAlive());
        }
    }

    /**
     * A tree whose grandchildren die at SIGTERM is gone as soon as they are: JDK 17's onExit() of a process that
     * is not our child first looks after 300 ms, which every kimg run paid at teardown (virtiofsd's worker).
     */
    @Test
    void killTreeSeesGrandchildrenGoWithoutWaitingForTheJdksSlowPoll() throws Exception {
        Process p = exec().background("sleepers", Cmd.of("sh", "-c", "sleep 300 & sleep 300 & wait"));
        List<ProcessHandle> kids = twoDescendants(p);
        long start = System.nanoTime();
        Exec.stop(p);
        long millis = (System.nanoTime() - start) / 1_000_000;
        for (ProcessHandle k : kids) {
            // Exited; orphans stay zombies until PID 1 reaps them (1.9 s on our machines), which is not waited for.
            assertTrue(!k.isAlive() || ChildProcesses.exitedUnreaped(k.pid()), "grandchild " + k.pid() + " runs");
        }
        // Waiting for the orphans' reaping (and JDK's 300 ms polls) took 1.9 s here before.
        assertTrue(millis < 600, "killTree took " + millis + " ms");
    }

    private static List<ProcessHandle> twoDescendants(Process p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (p.toHandle().descendants().count() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<ProcessHandle> kids = p.toHandle().descendants().toList();
        assertEquals(2, kids.size());
        return kids;
    }
}
