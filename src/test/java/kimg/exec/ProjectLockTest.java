package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
