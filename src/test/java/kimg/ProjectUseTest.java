package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import kimg.fs.ProjectLock;
import kimg.it.KimgCli;
import kimg.it.LockHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which verbs may use one project at once (finding 11.6): a running guest keeps builds that replace its image
 * and clean away, and a second guest; the edit-reload loop ({@code build -i}) still runs beside it. The guest is
 * a second JVM holding the lock as {@code kimg qemu} does.
 */
class ProjectUseTest {
    @TempDir
    Path project;

    private Process guest() throws Exception {
        Files.writeString(project.resolve("mkosi.conf"), """
                [Config]
                Include=modules/foo

                [Output]
                Format=none

                [Content]
                # Something to boot: the boot verbs refuse a project with no kernel before taking the lock.
                Packages=linux-image-amd64

                [Build]
                BuildSources=foo-src:foo
                """);
        Files.createDirectories(project.resolve("foo-src"));
        Path module = Files.createDirectories(project.resolve("modules/foo"));
        Files.writeString(module.resolve("mkosi.conf"), "# foo\n");
        Path script = module.resolve("mkosi.build");
        Files.writeString(script, "#!/bin/sh\nmkdir -p \"$DESTDIR/usr/share\" && echo built >\"$DESTDIR/usr/share/foo\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return LockHolder.start(project, ProjectLock.Use.GUEST, "kimg qemu");
    }

    @Test
    void buildRefusesWhileAGuestRuns() throws Exception {
        Process guest = guest();
        try {
            KimgCli build = KimgCli.run(project, "-C", project.toString(), "build");
            assertEquals(1, build.status(), build::toString);
            assertTrue(build.err().contains("locked by PID " + guest.pid() + " (kimg qemu, since "), build::toString);
            KimgCli clean = KimgCli.run(project, "-C", project.toString(), "clean");
            assertEquals(1, clean.status(), clean::toString);
            assertTrue(clean.err().contains("locked by PID " + guest.pid() + " (kimg qemu"), clean::toString);
        } finally {
            guest.destroyForcibly().waitFor();
        }
    }

    @Test
    void aModulesOnlyBuildRunsBesideAGuest() throws Exception {
        Process guest = guest();
        try {
            KimgCli build = KimgCli.run(project, "-C", project.toString(), "build", "-i", "--foo");
            assertEquals(0, build.status(), build::toString);
        } finally {
            guest.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSecondGuestOfTheProjectIsRefused() throws Exception {
        Process guest = guest();
        try {
            for (String[] verb : new String[][] {{"qemu"}, {"run", "--", "true"}}) {
                String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("-C", project.toString()),
                        java.util.Arrays.stream(verb)).toArray(String[]::new);
                KimgCli second = KimgCli.run(project, args);
                assertEquals(1, second.status(), second::toString);
                assertTrue(second.err().contains("locked by PID " + guest.pid() + " (kimg qemu"), second::toString);
                assertTrue(second.err().contains("one guest per project, as two would share one read-write root tree"),
                        second::toString);
            }
        } finally {
            guest.destroyForcibly().waitFor();
        }
    }

    @Test
    void aGuestRefusesToStartWhileABuildRuns() throws Exception {
        guest().destroyForcibly().waitFor();
        Process build = LockHolder.start(project, ProjectLock.Use.BUILD, "kimg build");
        try {
            KimgCli qemu = KimgCli.run(project, "-C", project.toString(), "qemu");
            assertEquals(1, qemu.status(), qemu::toString);
            assertTrue(qemu.err().contains("locked by PID " + build.pid() + " (kimg build"), qemu::toString);
        } finally {
            build.destroyForcibly().waitFor();
        }
    }

    @Test
    void aDeadGuestsLockIsFree() throws Exception {
        guest().destroyForcibly().waitFor();
        try (ProjectLock lock = ProjectLock.acquire(project, "kimg build")) {
            assertTrue(Files.exists(ProjectLock.fileOf(project)));
        } catch (RuntimeException e) {
            throw new IOException(e);
        }
    }
}
