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
    /** A distccd on 127.0.0.1 only, on a free port, logging to a file it can write as the user it drops to. */
    record Distccd(Process process, int port, Path logDir, Path log) implements AutoCloseable {
        static Distccd start(Exec exec) throws Exception {
            // distccd started as root runs as an unprivileged user (nobody): its log must be reachable for it, and
            // the project's temp directory is private.
            Path logDir = Files.createTempDirectory("kimg-distccd-");
            Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            Path log = logDir.resolve("distccd.log");
            int port = freeLoopbackPort();
            Process p = exec.background("distccd", Cmd.of("distccd", "--daemon", "--no-detach", "--allow",
                    "127.0.0.1", "--listen", "127.0.0.1", "--port", Integer.toString(port), "--jobs", "2",
                    "--log-file", log.toString(), "--log-level", "info"));
            var d = new Distccd(p, port, logDir, log);
            try {
                waitForPort(port, Duration.ofSeconds(20));
            } catch (Exception e) {
                d.close();
                throw e;
            }
            return d;
        }

        String logText() throws IOException {
            return Files.isRegularFile(log) ? Files.readString(log) : "(no distccd log)";
        }

        @Override
        public void close() {
            Exec.stop(process);
            assertTrue(!process.isAlive(), "distccd outlived the test");
            kimg.fs.FileTrees.deleteRecursively(logDir);
        }
    }

    @Test
    void aHostScriptModuleCompilesThroughDistccd() throws Exception {
        Path project = ModuleProjects.newProject("compile-farm");
        Exec exec = KernelFixture.exec(project);
        try (Distccd distccd = Distccd.start(exec)) {
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
                    """.formatted(distccd.port()));

            KimgCli build = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--hello");
            assertEquals(0, build.status(), build::toString);
            Path hello = ModuleProjects.buildDirectory(project, "hello").resolve("destdir/usr/bin/hello");
            assertEquals("hello from the farm", exec.capture("run-hello", Cmd.of(hello.toString())).text().strip());
            String distccLog = distccd.logText();
            assertTrue(distccLog.contains("COMPILE_OK") && distccLog.contains("hello.c"), distccLog);
        }
    }

    /**
     * {@code build -i --kernel} through the farm: the kernel's modules compile on the distccd (a hard-linked copy
     * of the shared fixture's tree, whose fresh build directory builds the modules only: see {@link KernelTreeCopy}).
     */
    @Test
    void aKernelModulesRebuildCompilesThroughDistccd() throws Exception {
        var kernel = KernelFixture.built();
        Path project = Files.createTempDirectory(
                Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects")), "farm-kernel-");
        Exec exec = KernelFixture.exec(project);
        try (Distccd distccd = Distccd.start(exec)) {
            KernelTreeCopy copy = KernelTreeCopy.create(project, kernel,
                    "CompileFarm=distcc:127.0.0.1:%d/2\n".formatted(distccd.port()));
            try {
                long t0 = System.nanoTime();
                KimgCli build = copy.buildModules();
                System.err.println("CompileFarmIT: kernel -i through distcc took "
                        + (System.nanoTime() - t0) / 1_000_000_000L + " s");
                assertEquals(0, build.status(), build::toString);
                String distccLog = distccd.logText();
                // The minix module is in the shipped config: its objects were compiled by the distccd.
                assertTrue(distccLog.contains("COMPILE_OK") && distccLog.contains("fs/minix/"), distccLog);
                List<Path> makeLogs = BisectIT.logs(project, "kernel-make");
                assertTrue(!makeLogs.isEmpty() && Files.readString(makeLogs.get(0)).contains("distcc"),
                        "make ran with CC=distcc: " + makeLogs);
            } finally {
                copy.deleteTreeAndBuilds();
            }
        }
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
