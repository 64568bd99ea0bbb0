package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest whose SshPort=/GdbPort= is taken (another project's guest) gets free ports, printed and recorded. */
class GuestPortsTest {
    @TempDir
    Path project;

    @Test
    void aSecondGuestGetsFreePortsAndSshAndGdbFindThem() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                var alsoTaken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String ssh = Integer.toString(taken.getLocalPort());
            String gdb = Integer.toString(alsoTaken.getLocalPort());
            Config config = Config.ofValues(project, Map.of("Ssh", List.of("true"), "SshPort", List.of(ssh),
                    "GdbPort", List.of(gdb), "QemuArgs", List.of("-s")));
            var out = new ByteArrayOutputStream();
            Config chosen = GuestPorts.choose(config, Console.plain(new PrintStream(out, true, StandardCharsets.UTF_8)));
            assertNotEquals(ssh, chosen.get("SshPort"));
            assertNotEquals(gdb, chosen.get("GdbPort"));
            // Free now: binding them works.
            new ServerSocket(Integer.parseInt(chosen.get("SshPort")), 1, InetAddress.getLoopbackAddress()).close();
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("SshPort=" + ssh + " is in use on 127.0.0.1: this guest uses "
                    + chosen.get("SshPort")), printed);
            assertTrue(printed.contains("GdbPort=" + gdb + " is in use"), printed);

            String record = "PID 42 (kimg qemu, since 00:00:00) " + GuestPorts.record(chosen);
            Config attached = GuestPorts.recorded(config, record);
            assertEquals(chosen.get("SshPort"), attached.get("SshPort"));
            assertEquals(chosen.get("GdbPort"), attached.get("GdbPort"));
        }
    }

    @Test
    void freePortsAreKept() throws Exception {
        int port;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Config config = Config.ofValues(project, Map.of("Ssh", List.of("true"), "SshPort", List.of(Integer.toString(port))));
        assertEquals(config, GuestPorts.choose(config, Console.plain(new PrintStream(new ByteArrayOutputStream()))));
        assertEquals("ports ssh=" + port, GuestPorts.record(config));
        assertEquals(config, GuestPorts.recorded(config, "PID 1 (kimg qemu, since 00:00:00)"));
    }
}
