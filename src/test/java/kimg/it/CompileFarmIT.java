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
            ItProject.empty().include("modules/hello").output("none")
                    .build("BuildSources=hello-src:hello", "CompileFarm=distcc:127.0.0.1:" + distccd.port() + "/2")
                    .write(project);

            KimgCli build = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--hello");
            assertEquals(0, build.status(), build::toString);
            Path hello = ModuleProjects.buildDirectory(project, "hello").resolve("destdir/usr/bin/hello");
            assertEquals("hello from the farm", exec.capture("run-hello", Cmd.of(hello.toString())).text().strip());
            String distccLog = distccd.logText();
            assertTrue(distccLog.contains("COMPILE_OK") && distccLog.contains("hello.c"), distccLog);
        }
    }

    /**
     * {@code build -i --kernel} through the farm, on a small kernel (KernelIdentityIT's tinyconfig) in a project of
     * its own cached under the IT cache: a hard-linked copy of the fixture's tree and its build directory. The test
     * module's source is replaced (a new file, never a write through the hard link) with a marker of this run, so
     * the rebuild compiles it, and distccd's log must show that compile. The first run builds the small kernel
     * whole through distccd (-i on a build directory that never linked: the whole kernel once); later runs
     * recompile the one module.
     */
    @Test
    void aKernelModuleRebuildCompilesThroughDistccd() throws Exception {
        Path tree = KernelFixture.sourceTree();
        Path dir = Files.createDirectories(KernelFixture.cacheDirectory().resolve("farm-small-" + tree.getFileName()));
        Path linux = dir.resolve("linux");
        Exec exec = KernelFixture.exec(dir);
        if (!Files.isRegularFile(linux.resolve("Makefile"))) {
            Path tmp = Files.createTempDirectory(dir, ".linux-");
            exec.run("copy-kernel-tree", Cmd.of("cp", "-al", tree.toString(), tmp.resolve("linux").toString()));
            Files.move(tmp.resolve("linux"), linux, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Files.delete(tmp);
        }
        Files.writeString(dir.resolve("mkosi.kernel.config"), KernelIdentityIT.CONFIG);
        Path module = linux.resolve(KernelIdentityIT.MODULE_SOURCE);
        String original = KernelGitRepo.show(KernelGitRepo.repository(), exec, "base", KernelIdentityIT.MODULE_SOURCE);
        String marker = "kimg-farm-" + System.nanoTime();
        Path edited = module.resolveSibling("." + module.getFileName() + ".kimg-edit");
        Files.writeString(edited, KernelIdentityIT.withMarker(original, marker));
        Files.move(edited, module, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (Distccd distccd = Distccd.start(exec)) {
            ItProject.empty().output("none")
                    .build("BuildSources=" + linux + ":kernel", "BuildDirectory=" + dir.resolve("mkosi.builddir"),
                            "CompileFarm=distcc:127.0.0.1:" + distccd.port() + "/2")
                    .write(dir);
            long t0 = System.nanoTime();
            KimgCli build = KimgCli.run(dir, "-C", dir.toString(), "-t", "none", "build", "-i", "--kernel");
            System.err.println("CompileFarmIT: kernel -i through distcc took "
                    + (System.nanoTime() - t0) / 1_000_000_000L + " s");
            assertEquals(0, build.status(), build::toString);
            String distccLog = distccd.logText();
            assertTrue(distccLog.contains("COMPILE_OK") && distccLog.contains("x86_pkg_temp_thermal.c"), distccLog);
            List<Path> makeLogs = BisectIT.logs(dir, "kernel-make");
            assertTrue(!makeLogs.isEmpty() && Files.readString(makeLogs.get(0)).contains("'CC=distcc gcc'"),
                    "make ran with CC=distcc gcc: " + makeLogs);
            Path ko;
            try (var s = Files.walk(dir.resolve("mkosi.builddir"))) {
                ko = s.filter(p -> p.getFileName().toString().equals("x86_pkg_temp_thermal.ko")
                        && p.toString().contains("/modules/")).findFirst().orElseThrow();
            }
            assertTrue(new String(Files.readAllBytes(ko), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains(marker), "the installed module has this run's edit: " + ko);
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
