package kimg.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.exec.StepFailed;
import kimg.it.LockHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One kimg per project: a second process fails fast naming the holder; one JVM may nest. */
class ProjectLockTest {
    @TempDir
    Path project;

    @Test
    void nestsWithinOneProcess() {
        try (ProjectLock outer = ProjectLock.acquire(project, "kimg build");
                ProjectLock inner = ProjectLock.acquire(project, "image")) {
            assertTrue(Files.exists(ProjectLock.fileOf(project)));
            assertNotSame(outer, inner);
        }
        try (ProjectLock again = ProjectLock.acquire(project, "kimg build")) {
            assertNotNull(again, "released above: taken again");
        }
    }

    @Test
    void aSecondProcessFailsFastWithTheHoldersPid() throws Exception {
        Process holder = LockHolder.start(project);
        try {
            StepFailed e = assertThrows(StepFailed.class, () -> ProjectLock.acquire(project, "kimg build"));
            assertEquals("lock", e.step());
            String message = String.join("\n", e.lastLines());
            assertTrue(message.contains("is locked by PID " + holder.pid() + " (kimg build, since "), message);
        } finally {
            holder.destroyForcibly().waitFor();
        }
        try (ProjectLock mine = ProjectLock.acquire(project, "kimg build")) {
            assertNotNull(mine);
            assertTrue(Files.readString(ProjectLock.fileOf(project)).startsWith(
                    "PID " + ProcessHandle.current().pid() + " "), "a dead holder's lock is free");
        }
    }

    @Test
    void aGuestThatBuildsFirstHoldsTheImageExclusivelyOnlyWhileBuilding() throws Exception {
        try (ProjectLock guest = ProjectLock.acquire(project, ProjectLock.Use.GUEST, "kimg qemu")) {
            try (ProjectLock build = ProjectLock.acquire(project, ProjectLock.Use.BUILD, "kimg build")) {
                // kimg ssh cannot attach to an image being replaced.
                assertThrows(IllegalStateException.class,
                        () -> LockHolder.start(project, ProjectLock.Use.ATTACH, "kimg ssh").destroyForcibly());
            }
            // Booted: ssh attaches, a build is refused naming the guest.
            Process ssh = LockHolder.start(project, ProjectLock.Use.ATTACH, "kimg ssh");
            try {
                assertEquals("", ProjectLock.holderOf(project, ProjectLock.Part.BUILD));
            } finally {
                ssh.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aGuestThatBuildsFirstTakesTheLockOnceAndNarrowsItWhenBuilt() throws Exception {
        try (ProjectLock guest = ProjectLock.acquire(project, ProjectLock.Use.GUEST_BUILD, "kimg qemu")) {
            // Building: no second guest, no build -i, no ssh on an image being replaced.
            for (ProjectLock.Use other : List.of(ProjectLock.Use.GUEST, ProjectLock.Use.MODULES, ProjectLock.Use.ATTACH)) {
                assertThrows(IllegalStateException.class,
                        () -> LockHolder.start(project, other, "kimg other").destroyForcibly(), other.name());
            }
            guest.narrow(ProjectLock.Use.GUEST);
            // Booted: build -i and ssh run beside the guest; a second guest and a full build are refused.
            Process modules = LockHolder.start(project, ProjectLock.Use.MODULES, "kimg build");
            Process ssh = LockHolder.start(project, ProjectLock.Use.ATTACH, "kimg ssh");
            try {
                for (ProjectLock.Use other : List.of(ProjectLock.Use.GUEST, ProjectLock.Use.GUEST_BUILD)) {
                    assertThrows(IllegalStateException.class,
                            () -> LockHolder.start(project, other, "kimg run").destroyForcibly(), other.name());
                }
            } finally {
                modules.destroyForcibly().waitFor();
                ssh.destroyForcibly().waitFor();
            }
            assertThrows(IllegalStateException.class,
                    () -> LockHolder.start(project, ProjectLock.Use.BUILD, "kimg build").destroyForcibly(),
                    "a full build would replace the image the guest runs");
        }
        try (ProjectLock again = ProjectLock.acquire(project, ProjectLock.Use.BUILD, "kimg build")) {
            assertNotNull(again, "all released when the guest's lock closes");
        }
    }

    @Test
    void onlyTheOneOpenLockMayNarrow() {
        try (ProjectLock outer = ProjectLock.acquire(project, ProjectLock.Use.GUEST_BUILD, "kimg qemu");
                ProjectLock inner = ProjectLock.acquire(project, ProjectLock.Use.BUILD, "image")) {
            assertThrows(IllegalStateException.class, () -> inner.narrow(ProjectLock.Use.GUEST));
        }
        try (ProjectLock guest = ProjectLock.acquire(project, ProjectLock.Use.GUEST, "kimg qemu")) {
            assertThrows(IllegalStateException.class, () -> guest.narrow(ProjectLock.Use.BUILD),
                    "narrowing never widens");
        }
    }

    @Test
    void readOnlyProjectSaysWhereTheLockGoes() throws Exception {
        Path dir = Files.createDirectories(project.resolve("ro"));
        Files.writeString(dir.resolve("mkosi.conf"), "[Output]\nFormat=none\n");
        Path runtime = Files.createDirectories(project.resolve("runtime"));
        ReadOnly clean = readOnly(dir, runtime, "-C", dir.toString(), "clean");
        assertEquals(0, clean.status(), clean.output());
        Path lock = runtime.resolve("kimg-locks");
        try (var files = Files.list(lock)) {
            Path file = files.findFirst().orElseThrow();
            assertTrue(clean.output().contains("project directory " + dir + " is read-only: its lock is " + file),
                    clean.output());
        }
        assertFalse(Files.exists(dir.resolve(ProjectLock.FILE_NAME)));

        // Nowhere to go: say what is read-only and what to do.
        ReadOnly nowhere = readOnly(dir, dir.resolve("run"), "-C", dir.toString(), "clean");
        assertEquals(1, nowhere.status(), nowhere.output());
        assertTrue(nowhere.output().contains("cannot create the project lock " + dir.resolve("run/kimg-locks")),
                nowhere.output());
        assertTrue(nowhere.output().contains("(the project directory " + dir + " is read-only); make it writable or set"
                + " XDG_RUNTIME_DIR to a writable directory"), nowhere.output());
        assertFalse(nowhere.output().contains("internal error"), nowhere.output());
    }

    record ReadOnly(int status, String output) {}

    /** Runs kimg in a private mount namespace where {@code dir} is a read-only bind mount of itself. */
    private static ReadOnly readOnly(Path dir, Path runtime, String... args) throws Exception {
        assumeTrue(new ProcessBuilder("unshare", "-m", "true").start().waitFor() == 0, "needs unshare -m (root)");
        var argv = new java.util.ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"", dir.toString(),
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                "kimg.Main"));
        argv.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("XDG_RUNTIME_DIR", runtime.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return new ReadOnly(p.waitFor(), out);
    }
}
