package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import kimg.vm.VirtiofsdCommand.Flavour;
import kimg.vm.VirtiofsdCommand.Virtiofsd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtiofsDaemonsTest {
    @TempDir
    Path tmp;

    private final List<Share> shares = List.of(
            new Share("root", Path.of("/nonexistent/image"), "/", false, Share.Cache.AUTO),
            new Share("tree0", Path.of("/nonexistent/data"), "/mnt/data", true, Share.Cache.NEVER));

    @Test
    void socketsArePerTagInOnePrivateDirectoryRemovedOnClose() throws Exception {
        Path dir;
        try (var daemons = VirtiofsDaemons.allocate(shares)) {
            List<Path> sockets = daemons.sockets();
            assertEquals(List.of("root.sock", "tree0.sock"),
                    sockets.stream().map(p -> p.getFileName().toString()).toList());
            dir = sockets.get(0).getParent();
            assertEquals(dir, sockets.get(1).getParent());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    void aMissingHostDirectoryFailsBeforeAnyDaemonStarts() {
        Exec exec = new Exec(new StepLogs(tmp.resolve("logs")), Console.plain(new PrintStream(new ByteArrayOutputStream())));
        try (var daemons = VirtiofsDaemons.allocate(shares)) {
            var e = assertThrows(StepFailed.class,
                    () -> daemons.start(exec, new Virtiofsd(Path.of("/usr/lib/qemu/virtiofsd"), Flavour.C)));
            assertTrue(e.lastLines().get(0).contains("/nonexistent/image"), e.lastLines().toString());
            assertEquals(List.of(), exec.logs().records());
        }
    }
}
