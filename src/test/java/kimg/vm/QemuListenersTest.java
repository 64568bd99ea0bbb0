package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kimg.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11.7: no QemuArgs= form opens a listening socket off loopback. */
class QemuListenersTest {
    private static Optional<QemuListeners.Listener> check(String... args) {
        return QemuListeners.firstOffLoopback(List.of(args));
    }

    private static void assertRefused(int index, String... args) {
        var l = check(args);
        assertTrue(l.isPresent(), String.join(" ", args));
        assertEquals(index, l.get().index());
        assertTrue(l.get().why().contains("would listen on"), l.get().why());
    }

    @Test
    void gdbTcpOnEveryAddressIsRefusedWithOneOrTwoDashes() {
        assertRefused(1, "--gdb", "tcp:0.0.0.0:1234");
        assertRefused(1, "-gdb", "tcp::1234");
        assertRefused(3, "-m", "1G", "-gdb", "tcp:[::]:1234");
    }

    @Test
    void gdbTelnetWithAnEmptyHostIsRefused() {
        assertRefused(1, "-gdb", "telnet::1234,server,nowait");
    }

    @Test
    void gdbThroughAChardevOnEveryAddressIsRefused() {
        assertRefused(1, "-chardev", "socket,id=g,host=0.0.0.0,port=1234,server=on,wait=off", "-gdb", "chardev:g");
        assertRefused(1, "-gdb", "chardev:g", "-chardev", "socket,id=g,host=0.0.0.0,port=1234,server=on,wait=off");
        // A TCP socket chardev with no host and server=on listens on every address by itself.
        assertRefused(1, "-chardev", "socket,id=s,port=4444,server=on");
    }

    @Test
    void serialMonitorAndQmpServersOffLoopbackAreRefused() {
        assertRefused(1, "-serial", "tcp::4444,server=on");
        assertRefused(1, "-monitor", "telnet:0.0.0.0:4444,server,nowait");
        assertRefused(1, "-qmp", "tcp:10.0.0.1:4444,server");
    }

    @Test
    void displaysMigrationAndForwardsOffLoopbackAreRefused() {
        assertRefused(1, "-vnc", ":0");
        assertRefused(1, "-vnc", "none,websocket=5700");
        assertRefused(1, "-spice", "port=5930,disable-ticketing=on");
        assertRefused(1, "-incoming", "tcp:0:4444");
        assertRefused(1, "-netdev", "user,id=n1,hostfwd=tcp::8080-:80");
        assertRefused(1, "-nic", "socket,listen=:1234");
    }

    /** Found by a new user's trial: -display vnc= opened 0.0.0.0:5957, a multicast socket bound every address. */
    @Test
    void vncThroughDisplayAndMulticastOrDatagramSocketsAreRefused() {
        assertRefused(1, "-display", "vnc=:57");
        assertRefused(1, "-display", "vnc=0.0.0.0:1,password=off");
        assertTrue(check("-netdev", "socket,id=n,mcast=230.0.0.1:1234").isPresent());
        assertRefused(1, "-netdev", "socket,id=n,udp=192.0.2.1:5000,localaddr=:5001");
        assertRefused(1, "-netdev", "dgram,id=n,local.type=inet,local.port=5001,remote.type=inet,"
                + "remote.host=192.0.2.1,remote.port=5000");
        assertEquals(Optional.empty(), QemuListeners.firstOffLoopback(List.of("-display", "vnc=127.0.0.1:3")));
        assertEquals(Optional.empty(), QemuListeners.firstOffLoopback(List.of("-display", "none")));
        assertEquals(Optional.empty(), QemuListeners.firstOffLoopback(
                List.of("-netdev", "socket,id=n,udp=192.0.2.1:5000,localaddr=127.0.0.1:5001")));
    }

    @Test
    void readconfigIsRefusedBecauseItCannotBeChecked() {
        assertTrue(check("-readconfig", "qemu.cfg").isPresent());
    }

    @Test
    void loopbackUnixAndClientSocketsAreAllowed() {
        for (List<String> ok : List.of(
                List.of("-gdb", "tcp:127.0.0.1:1234"),
                List.of("-gdb", "tcp:localhost:1234"),
                List.of("-chardev", "socket,id=g,host=127.0.0.1,port=1234,server=on", "-gdb", "chardev:g"),
                List.of("-chardev", "socket,id=u,path=/tmp/x.sock,server=on"),
                List.of("-serial", "tcp:192.0.2.1:4444"),
                List.of("-monitor", "unix:/tmp/mon,server,nowait"),
                List.of("-vnc", "127.0.0.1:0"),
                List.of("-vnc", "unix:/tmp/vnc"),
                List.of("-netdev", "user,id=n,hostfwd=tcp:127.0.0.1:8080-:80"),
                List.of("-device", "virtio-rng-pci", "-s", "-S"))) {
            assertEquals(Optional.empty(), QemuListeners.firstOffLoopback(ok), ok.toString());
        }
    }

    @Test
    void aListenerInQemuArgsIsAConfigErrorNamingTheFileAndLine(@TempDir Path project) throws Exception {
        Files.writeString(project.resolve("mkosi.conf"),
                "[Runtime]\nQemuArgs=-m 1G\nQemuArgs=-chardev socket,id=g,host=0.0.0.0,port=1234,server=on -gdb chardev:g\n");
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
                var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(new String[] {"qemu"}, project, o, e);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, text);
        assertTrue(text.contains("mkosi.conf:3") && text.contains("QemuArgs") && text.contains("0.0.0.0"), text);
        assertEquals(1, text.lines().count(), text);
    }
}
