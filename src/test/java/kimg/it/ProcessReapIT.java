package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Whatever signal kimg gets, nothing it started survives it: a real {@code bin/kimg build} (a child JVM) runs a
 * module whose build script has a child, a grandchild and a double-forked daemon in its own session; the test
 * signals kimg and every one of them must be gone within a few seconds.
 */
class ProcessReapIT {
    private static final String SCRIPT = """
            mkdir -p "$BUILDDIR/pids"
            sleep 1001 & echo $! >"$BUILDDIR/pids/child"
            sh -c 'sleep 1002 & echo $! >"$0"; wait' "$BUILDDIR/pids/grandchild" &
            setsid sh -c 'sleep 1003 </dev/null >/dev/null 2>&1 & echo $! >"$0"' "$BUILDDIR/pids/daemon" &
            echo $$ >"$BUILDDIR/pids/script"
            wait
            """;

    @Test
    void sigintToTheProcessGroupLeavesNoDescendant() throws Exception {
        // Ctrl-C: the terminal sends SIGINT to kimg's whole foreground process group.
        signalAndCheck("INT", true, false);
    }

    @Test
    void sigtermOfKimgLeavesNoDescendant() throws Exception {
        signalAndCheck("TERM", false, false);
    }

    @Test
    void sigkillOfKimgLeavesNoDescendant() throws Exception {
        // No shutdown hook runs: only the reaper's watchdog can do it.
        signalAndCheck("KILL", false, false);
    }

    @Test
    void sigkillOfKimgWithoutCgroupsLeavesNoProcessOfItsGroups() throws Exception {
        // The fallback (no writable cgroup v2): process groups, which a daemon in its own session leaves.
        signalAndCheck("KILL", false, true);
    }

    private static void signalAndCheck(String signal, boolean toGroup, boolean withoutCgroups) throws Exception {
        Path project = ModuleProjects.newProject("reap-" + signal.toLowerCase());
        Path module = Files.createDirectories(project.resolve("modules/daemon"));
        Files.writeString(module.resolve("mkosi.conf"), "# daemon: a build script that leaves processes behind\n");
        Path script = module.resolve("mkosi.build");
        Files.writeString(script, "#!/bin/sh\nset -eu\n" + SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(project.resolve("daemon-src"));
        ItProject.empty().include("modules/daemon").output("none").build("BuildSources=daemon-src:daemon").write(project);
        Path pids = ModuleProjects.buildDirectory(project, "daemon").resolve("pids");
        Path log = project.resolve("kimg.log");
        // Its own session, so that kimg leads a process group as it would in a shell (the group gets SIGINT).
        // SIGINT at its default, as on a terminal: a CI job started in the background inherits it ignored, and the
        // JVM then (rightly) keeps ignoring it, so Ctrl-C could not be tested there.
        ProcessBuilder pb = new ProcessBuilder("setsid", "env", "--default-signal=INT",
                KernelFixture.repositoryRoot().resolve("bin/kimg").toString(),
                "-C", project.toString(), "build", "-i", "--daemon")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        if (withoutCgroups) {
            pb.environment().put("JAVA_TOOL_OPTIONS", "-Dkimg.reaper=group");
        }
        Process kimg = pb.start();
        try {
            List<String> names = List.of("script", "child", "grandchild", "daemon");
            List<String> checked = withoutCgroups ? names.subList(0, 3) : names;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!names.stream().allMatch(n -> nonEmpty(pids.resolve(n)))) {
                assertTrue(kimg.isAlive(), () -> "kimg ended before the script ran: " + read(log));
                assertTrue(System.nanoTime() < deadline, () -> "the build script never started: " + read(log));
                Thread.sleep(50);
            }
            var started = new java.util.LinkedHashSet<ProcessHandle>();
            kimg.descendants().forEach(started::add);
            for (String n : checked) {
                ProcessHandle.of(Long.parseLong(read(pids.resolve(n)).strip())).ifPresent(started::add);
            }
            assertTrue(started.size() >= checked.size(), started::toString);
            String target = toGroup ? "-" + kimg.pid() : Long.toString(kimg.pid());
            assertEquals(0, new ProcessBuilder("kill", "-s", signal, "--", target).inheritIO().start().waitFor());
            assertTrue(kimg.waitFor(30, TimeUnit.SECONDS), "kimg did not exit on SIG" + signal);
            if (!signal.equals("KILL")) {
                // Stopped, not failed: one line saying so, none of the killed step's dying words.
                String said = read(log);
                assertTrue(said.contains("kimg: interrupted") && !said.contains("kimg: error"), said);
            }

            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            List<String> alive;
            while (!(alive = alive(started)).isEmpty()) {
                if (System.nanoTime() > gone) {
                    alive.forEach(a -> ProcessHandle.of(Long.parseLong(a.split(":")[0])).ifPresent(ProcessHandle::destroyForcibly));
                    throw new AssertionError("survived SIG" + signal + " of kimg: " + alive + "\n" + read(log));
                }
                Thread.sleep(50);
            }
        } finally {
            kimg.destroyForcibly();
            if (withoutCgroups && nonEmpty(pids.resolve("daemon"))) {
                ProcessHandle.of(Long.parseLong(read(pids.resolve("daemon")).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** PID and command of each process still running (zombies do not count: they run nothing). */
    private static List<String> alive(java.util.Collection<ProcessHandle> handles) {
        var out = new ArrayList<String>();
        for (ProcessHandle h : handles) {
            if (!h.isAlive()) {
                continue;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
                if (!stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    out.add(h.pid() + ": " + h.info().commandLine().orElse("?"));
                }
            } catch (IOException e) {
                // gone meanwhile
            }
        }
        return out;
    }

    private static boolean nonEmpty(Path p) {
        try {
            return Files.size(p) > 1;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
