package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import org.junit.jupiter.api.Test;

/**
 * CompileFarm=distcc:... against a real distccd that listens and accepts on 127.0.0.1 only, started here and
 * stopped at the end: a user's module with a host build script compiles through it, and distccd's own log shows
 * the job (so no silent local fallback passed the test).
 */
class CompileFarmIT {
    @Test
    void aHostScriptModuleCompilesThroughDistccd() throws Exception {
        Path project = ModuleProjects.newProject("compile-farm");
        // distccd started as root runs as an unprivileged user (nobody): its log must be reachable for it, and the
        // project's temp directory is private.
        Path logDir = Files.createTempDirectory("kimg-distccd-");
        Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path log = logDir.resolve("distccd.log");
        int port = freeLoopbackPort();
        Exec exec = KernelFixture.exec(project);
        Process distccd = exec.background("distccd", Cmd.of("distccd", "--daemon", "--no-detach", "--allow",
                "127.0.0.1", "--listen", "127.0.0.1", "--port", Integer.toString(port), "--jobs", "2",
                "--log-file", log.toString(), "--log-level", "info"));
        try {
            waitForPort(port, Duration.ofSeconds(20));
            Path source = Files.createDirectories(project.resolve("hello-src"));
            Files.writeString(source.resolve("hello.c"),
                    "#include <stdio.h>\nint main(void) { puts(\"hello from the farm\"); return 0; }\n");
            Path module = Files.createDirectories(project.resolve("modules/hello"));
            Files.writeString(module.resolve("mkosi.conf"), "# hello: compiled through the farm\n");
            Path script = module.resolve("mkosi.build");
            Files.writeString(script, """
                    #!/bin/sh
                    set -eu
                    $CC -c -o "$BUILDDIR/hello.o" "$SRCDIR/hello.c"
                    mkdir -p "$DESTDIR/usr/bin"
                    cc -o "$DESTDIR/usr/bin/hello" "$BUILDDIR/hello.o"
                    """);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(project.resolve("mkosi.conf"), """
                    [Config]
                    Include=modules/hello

                    [Output]
                    Format=none

                    [Build]
                    BuildSources=hello-src:hello
                    CompileFarm=distcc:127.0.0.1:%d/2
                    """.formatted(port));

            KimgCli build = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--hello");
            assertEquals(0, build.status(), build::toString);
            Path hello = ModuleProjects.buildDirectory(project, "hello").resolve("destdir/usr/bin/hello");
            assertEquals("hello from the farm", exec.capture("run-hello", Cmd.of(hello.toString())).text().strip());
            String distccLog = Files.isRegularFile(log) ? Files.readString(log) : "(no distccd log)";
            assertTrue(distccLog.contains("COMPILE_OK") && distccLog.contains("hello.c"), distccLog);
        } finally {
            Exec.stop(distccd);
        }
        assertTrue(!distccd.isAlive(), "distccd outlived the test");
        kimg.fs.FileTrees.deleteRecursively(logDir);
    }

    static int freeLoopbackPort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void waitForPort(int port, Duration timeout) throws Exception {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            try (var s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("distccd did not listen on 127.0.0.1:" + port);
    }
}
