package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.exec.Cmd;
import org.junit.jupiter.api.Test;

/**
 * Modules a user adds under modules/ work with no change to kimg: found through Include=, offered as
 * {@code build --<name>}, shown by summary, built with mkosi's contract. And a module that fails stops the run
 * with exit 1 naming it and its log, leaving every build directory as it was. Host build scripts
 * ({@code mkosi.build}), so no build overlay is needed: these run in seconds.
 */
class UserModuleIT {

    @Test
    void aUsersOwnModuleGetsItsFlagAppearsInSummaryAndBuilds() throws Exception {
        Path project = ModuleProjects.newProject("user-module");
        Path source = Files.createDirectories(project.resolve("foo-src"));
        Files.writeString(source.resolve("foo.c"),
                "#include <stdio.h>\n#include <stdlib.h>\nint main(void) { printf(\"foo says %s\\n\", FLAVOUR); return 0; }\n");
        module(project, "foo", """
                [Build]
                Environment=FOO_FLAVOUR=vanilla
                """, """
                mkdir -p "$BUILDDIR/obj" "$DESTDIR/usr/bin"
                cc -DFLAVOUR="\\"$FOO_FLAVOUR\\"" -o "$BUILDDIR/obj/foo" "$SRCDIR/foo.c"
                install -m755 "$BUILDDIR/obj/foo" "$DESTDIR/usr/bin/foo"
                """);
        ItProject.empty().include("modules/foo").output("none").build("BuildSources=foo-src:foo").write(project);

        KimgCli summary = KimgCli.run(project, "-C", project.toString(), "summary");
        assertEquals(0, summary.status(), summary::toString);
        assertTrue(summary.out().lines().anyMatch(l -> l.strip().startsWith("foo ") && l.contains("modules/foo")),
                summary::toString);
        assertTrue(summary.out().contains("FOO_FLAVOUR=vanilla"), summary::toString);

        KimgCli help = KimgCli.run(project, "-C", project.toString(), "build", "--help");
        assertTrue(help.out().contains("--foo"), help::toString);

        KimgCli build = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--foo");
        assertEquals(0, build.status(), build::toString);
        Path foo = ModuleProjects.buildDirectory(project, "foo").resolve("destdir/usr/bin/foo");
        assertEquals("foo says vanilla", KernelFixture.exec(project).capture("run-foo", Cmd.of(foo.toString()))
                .text().strip());

        KimgCli unknown = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--bar");
        assertEquals(2, unknown.status(), unknown::toString);
    }

    @Test
    void aFailingModuleStopsTheRunNamingItAndItsLogAndLeavesEveryBuildDirectoryIntact() throws Exception {
        Path project = ModuleProjects.newProject("failing-module");
        var modules = List.of("aaa", "bbb", "ccc");
        ItProject conf = ItProject.empty();
        for (String m : modules) {
            Files.createDirectories(project.resolve(m + "-src"));
            // Each build counts itself in its build directory and installs the count; it fails if told to.
            module(project, m, "", """
                    [ -e "$SRCDIR/fail" ] && { echo "%s: compile error in foo.c" >&2; exit 1; }
                    n=$(cat "$BUILDDIR/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" >"$BUILDDIR/count"
                    mkdir -p "$DESTDIR/usr/share/%s" && echo "build $n" >"$DESTDIR/usr/share/%s/built"
                    """.formatted(m, m, m));
            conf.include("modules/" + m);
        }
        conf.output("none").build(modules.stream().map(m -> "BuildSources=" + m + "-src:" + m).toArray(String[]::new))
                .write(project);

        KimgCli first = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build");
        assertEquals(0, first.status(), first::toString);
        for (String m : modules) {
            assertEquals("build 1", installed(project, m));
        }

        Files.writeString(project.resolve("bbb-src/fail"), "");
        KimgCli second = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build");
        assertEquals(1, second.status(), second::toString);
        Matcher m = Pattern.compile("step 'build-bbb' failed with exit status 1 \\(log: (\\S+)\\)").matcher(second.err());
        assertTrue(m.find(), second::toString);
        Path log = Path.of(m.group(1));
        assertTrue(Files.readString(log).contains("bbb: compile error in foo.c"), log::toString);
        assertTrue(second.err().contains("bbb: compile error in foo.c"), "the last lines are shown: " + second);

        // Modules build in Include= order: aaa built again, the run stopped at bbb, ccc was not started.
        assertEquals("build 2", installed(project, "aaa"));
        assertEquals("2", count(project, "aaa"));
        // bbb's last good install stays (a guest may be using it); its build directory is as it was.
        assertEquals("build 1", installed(project, "bbb"));
        assertEquals("1", count(project, "bbb"));
        assertEquals("build 1", installed(project, "ccc"));
        assertEquals("1", count(project, "ccc"));
        assertFalse(second.err().contains("build-ccc"), second::toString);
    }

    private static void module(Path project, String name, String conf, String script) throws IOException {
        Path dir = Files.createDirectories(project.resolve("modules").resolve(name));
        Files.writeString(dir.resolve("mkosi.conf"), "# " + name + ": a user's own module\n" + conf);
        Path build = dir.resolve("mkosi.build");
        Files.writeString(build, "#!/bin/sh\nset -eu\n" + script);
        Files.setPosixFilePermissions(build, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String installed(Path project, String module) throws IOException {
        return Files.readString(ModuleProjects.buildDirectory(project, module)
                .resolve("destdir/usr/share/" + module + "/built")).strip();
    }

    private static String count(Path project, String module) throws IOException {
        return Files.readString(ModuleProjects.buildDirectory(project, module).resolve("count")).strip();
    }
}
