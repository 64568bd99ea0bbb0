package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.GdbCommand;
import kimg.vm.GuestRun;
import kimg.vm.VmRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real boots (TCG in CI) of the shared kernel and rootfs fixtures. */
class VmBootIT {
    static KernelArtifacts kernel;
    static ImageArtifacts image;

    @TempDir
    Path project;

    @BeforeAll
    static void fixtures() {
        kernel = KernelFixture.built();
        image = RootfsFixture.built();
    }

    @Test
    void runPrintsTheGuestKernelRelease() {
        Boot boot = run(Map.of(), List.of("uname", "-r"));
        assertEquals(0, boot.status, boot.console);
        assertTrue(boot.console.lines().anyMatch(l -> l.strip().equals(kernel.release())), boot.console);
    }

    @Test
    void runReturnsTheGuestCommandsExitStatus() {
        Boot boot = run(Map.of(), List.of("sh", "-c", "exit 3"));
        assertEquals(3, boot.status, boot.console);
    }

    @Test
    void runtimeTreeIsReadableInTheGuest() throws IOException {
        Path tree = Files.createDirectories(project.resolve("shared tree"));
        Files.writeString(tree.resolve("hello.txt"), "kimg-runtime-tree-marker\n");
        Boot boot = run(Map.of("RuntimeTrees", List.of(tree + ":/mnt/tree:ro")),
                List.of("cat", "/mnt/tree/hello.txt"));
        assertEquals(0, boot.status, boot.console);
        assertTrue(boot.console.contains("kimg-runtime-tree-marker"), boot.console);
    }

    @Test
    void hostChangesToASharedTreeAreSeenByARunningGuest() throws IOException {
        // Build directories change under a running guest (kimg build -i); a re-read must see the new data. (This
        // holds for cache=auto's close-to-open consistency too; cache=none also drops auto's 1 s dentry caching.)
        Path tree = Files.createDirectories(project.resolve("live"));
        Path file = tree.resolve("f");
        Files.writeString(file, "version-1\n");
        var console = new StringBuilder();
        var out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                console.append((char) b);
                if (b == '\n' && console.toString().endsWith("version-1\n") && !Files.exists(tree.resolve("go"))) {
                    // Rewritten in place: same inode, same size, only the data differs.
                    Files.writeString(file, "version-2\n");
                    Files.createFile(tree.resolve("go"));
                }
            }
        };
        Config config = config(Map.of("RuntimeTrees", List.of(tree + ":/mnt/live")));
        int status = VmRunner.run(config, exec(), BootInputs.from(config, kernel, image), List.of("sh", "-c",
                "cat /mnt/live/f; while [ ! -e /mnt/live/go ]; do sleep 0.1; done; cat /mnt/live/f"),
                new PrintStream(out, true, StandardCharsets.UTF_8)).commandStatusOrFail();
        assertEquals(0, status, console.toString());
        assertTrue(console.toString().contains("version-1\nversion-2\n"), console.toString());
    }

    @Test
    void runtimeBuildSourcesServeSourcesAndTheKernelsModules() {
        Boot boot = run(ItProject.empty().sharingBuildOf(kernel).values(),
                List.of("sh", "-c", "test -f /usr/lib/modules/$(uname -r)/modules.dep && test -f /work/src/kernel/Makefile"
                        + " && echo modules-and-sources-ok"));
        assertEquals(0, boot.status, boot.console);
        assertTrue(boot.console.contains("modules-and-sources-ok"), boot.console);
    }

    /**
     * Issue 11.3: a read-only RuntimeTree and the shared build directories are read-only on the host side, so even
     * a guest that remounts them read-write (it is root in its own kernel) gets EROFS and the host files stay.
     */
    @Test
    void guestCannotWriteReadOnlySharesEvenAfterRemountingThem() throws IOException {
        Path tree = Files.createDirectories(project.resolve("ro tree"));
        Files.writeString(tree.resolve("hello.txt"), "host-original\n");
        Path buildProbe = kernel.modulesRoot().getParent().resolve("kimg-guest-write-probe");
        String script = "for d in /mnt/ro /work/build/kernel; do"
                + " mount -o remount,rw \"$d\" && echo \"remounted $d\";"
                + " if err=$(sh -c \"echo guest > '$d/kimg-guest-write-probe'\" 2>&1); then echo \"WROTE $d\";"
                + " else echo \"refused $d: $err\"; fi; done;"
                + " if err=$(sh -c 'echo guest > /mnt/ro/hello.txt' 2>&1); then echo 'WROTE hello';"
                + " else echo \"refused hello: $err\"; fi";
        Boot boot;
        try {
            boot = run(ItProject.empty().sharingBuildOf(kernel).runtime("RuntimeTrees=" + tree + ":/mnt/ro:ro").values(),
                    List.of("sh", "-c", script));
        } finally {
            Files.deleteIfExists(buildProbe); // never leave a stray file in the shared fixture
        }
        assertEquals(0, boot.status, boot.console);
        assertTrue(boot.console.contains("remounted /mnt/ro") && boot.console.contains("remounted /work/build/kernel"),
                "the guest must lift its own read-only mount for this test to mean anything: " + boot.console);
        assertTrue(boot.console.contains("refused /mnt/ro:") && boot.console.contains("refused /work/build/kernel:")
                && boot.console.contains("refused hello:"), boot.console);
        assertTrue(boot.console.lines().filter(l -> l.startsWith("refused")).allMatch(
                l -> l.contains("Read-only file system")), boot.console);
        assertEquals("host-original\n", Files.readString(tree.resolve("hello.txt")));
        assertTrue(!Files.exists(tree.resolve("kimg-guest-write-probe")) && !Files.exists(buildProbe));
    }

    @Test
    void guestPanicFailsTheStepWithTheLastConsoleLines() {
        Config config = config(Map.of("KernelCommandLineExtra", List.of("init=/nonexistent")));
        GuestRun run = VmRunner.run(config, exec(), BootInputs.from(config, kernel, image), List.of("true"),
                new PrintStream(OutputStream.nullOutputStream()));
        assertTrue(run.panicked(), run.splats()::toString);
        StepFailed e = assertThrows(StepFailed.class, run::commandStatusOrFail);
        assertEquals("the guest kernel panicked", e.lastLines().get(0));
        assertTrue(e.lastLines().stream().anyMatch(l -> l.contains("Kernel panic - not syncing")), e.lastLines()::toString);
        assertTrue(e.exitStatus() != 0);
    }

    @Test
    void gdbAttachesToAStoppedGuestAndReadsARegister() throws Exception {
        int port = freePort();
        Config config = config(Map.of("QemuArgs", List.of("-s", "-S"), "GdbPort", List.of(Integer.toString(port))));
        BootInputs inputs = BootInputs.from(config, kernel, image);
        Exec exec = exec();
        CompletableFuture<Integer> guest = CompletableFuture.supplyAsync(
                () -> VmRunner.run(config, exec, inputs, List.of("true"), new PrintStream(OutputStream.nullOutputStream()))
                        .commandStatusOrFail());
        awaitListening(port, guest);
        Exec.Result gdb = exec.capture("gdb", GdbCommand.cmd("gdb", inputs, port,
                List.of("-batch", "-ex", "info registers rip", "-ex", "detach")));
        assertTrue(Pattern.compile("(?m)^rip\\s+0x[0-9a-f]+").matcher(gdb.text()).find(), gdb.text());
        // Detached, the guest boots on and runs its command.
        assertEquals(0, guest.get(120, TimeUnit.SECONDS));
    }

    @Test
    void killingKimgMidBootLeavesNoQemuOrVirtiofsd() throws Exception {
        // The child JVM's temp dir is unique, so every socket path (and so every virtiofsd and QEMU command
        // line) of its boot names it.
        Path marker = Files.createDirectories(project.resolve("tmp-" + ProcessHandle.current().pid()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process kimg = new ProcessBuilder(java, "-Djava.io.tmpdir=" + marker, "-cp", classpath,
                VmRunMain.class.getName(), "run", kernel.bzImage().toString(), image.root().toString(), "--", "sleep", "600")
                .directory(project.toFile())
                .redirectErrorStream(true)
                .redirectOutput(project.resolve("child.log").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (processesNaming(marker).stream().noneMatch(c -> c.contains("qemu-system"))) {
                assertTrue(kimg.isAlive(), () -> "kimg ended before QEMU started: " + read(project.resolve("child.log")));
                assertTrue(System.nanoTime() < deadline, "QEMU never started");
                Thread.sleep(50);
            }
            kimg.destroy(); // SIGTERM, as a user's kill or a CI timeout would send
            assertTrue(kimg.waitFor(30, TimeUnit.SECONDS), "kimg did not exit on SIGTERM");
            // The shutdown hook kills the trees before the JVM exits, so nothing may remain at all.
            assertEquals(List.of(), processesNaming(marker), read(project.resolve("child.log")));
            try (var left = Files.list(marker)) {
                assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith("kimg-vm-")).toList(),
                        "socket directory left behind");
            }
        } finally {
            kimg.destroyForcibly();
        }
    }

    record Boot(int status, String console) {}

    private Boot run(Map<String, List<String>> settings, List<String> command) {
        Config config = config(settings);
        var out = new ByteArrayOutputStream();
        int status = VmRunner.run(config, exec(), BootInputs.from(config, kernel, image), command,
                new PrintStream(out, true, StandardCharsets.UTF_8)).commandStatusOrFail();
        return new Boot(status, out.toString(StandardCharsets.UTF_8));
    }

    private Config config(Map<String, List<String>> settings) {
        var values = new LinkedHashMap<String, List<String>>(settings);
        values.put("RAM", List.of("512M"));
        return Config.ofValues(project, values);
    }

    private Exec exec() {
        return new Exec(StepLogs.under(project.resolve("logs")), Console.plain(System.err));
    }

    static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void awaitListening(int port, CompletableFuture<?> guest) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (guest.isDone()) {
                guest.get(); // rethrows what went wrong
                throw new AssertionError("the guest ended before its gdb stub listened");
            }
            try (var s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                assertTrue(System.nanoTime() < deadline, "no gdb stub on port " + port);
                Thread.sleep(100);
            }
        }
    }

    /** Command lines of every process on the host that mention {@code marker}. */
    private static List<String> processesNaming(Path marker) {
        var out = new ArrayList<String>();
        ProcessHandle.allProcesses().forEach(p -> {
            try {
                byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
                String cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
                if (cmdline.contains(marker.toString()) && p.pid() != ProcessHandle.current().pid()
                        && !cmdline.contains(VmRunMain.class.getName())) {
                    out.add(p.pid() + ": " + cmdline);
                }
            } catch (IOException e) {
                // exited meanwhile
            }
        });
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
