package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecStreamTest {
    @TempDir
    Path tmp;

    private Exec exec() {
        return new Exec(new StepLogs(tmp.resolve("logs")), Console.plain(new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void linesArriveInOrderAndANonZeroExitIsReturnedNotThrown() throws Exception {
        var lines = new ArrayList<String>();
        Exec.Result r = exec().stream("s", Cmd.of("sh", "-c", "echo one; echo two; exit 7"), null, lines::add);
        assertEquals(List.of("one", "two"), lines);
        assertEquals(7, r.exitStatus());
        assertTrue(Files.readString(r.log()).contains("one\ntwo\n"));
    }

    @Test
    void timeoutKillsTheProcessTree() {
        var lines = new ArrayList<String>();
        // The sleep is a grandchild holding the pipe open: only a tree kill ends the read early. Left alone the
        // command would exit 0 after a minute; killed, its status is the signal's.
        Exec.Result r = exec().stream("s", Cmd.of("sh", "-c", "echo started; sleep 60"), Duration.ofMillis(300),
                lines::add);
        assertEquals("started", lines.get(0));
        assertTrue(r.exitStatus() != 0, "exit status " + r.exitStatus());
    }
}
