package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import org.junit.jupiter.api.Test;

/**
 * fstests, ltp, blktests and bpfilter have no Debian source package: each module's real build script runs here,
 * in the real build overlay (the modules' BuildPackages=), on a tiny tree made by the test that has the same build
 * system as the real project: fstests' make-driven autoconf with in-tree objects, ltp's out-of-tree
 * {@code make -f SRC/Makefile top_srcdir= top_builddir=} after {@code make autotools}, blktests' plain Makefiles,
 * bpfilter's CMake. Each tree has two programs; after an edit of one, {@code -t none build -i --<module>} rebuilds
 * that one only, and the source tree is never written.
 */
class ModuleStandInsIT {

    /** A stand-in tree: its files, the two programs as installed under $DESTDIR, and what each prints. */
    record StandIn(String module, Map<String, String> files, String editedProgram, String otherProgram,
            String editedSource, String buildOutput, String otherOutput) {}

    @Test
    void fstestsStandInBuildsInTheMirrorWithMakeDrivenAutoconf() throws Exception {
        var files = new LinkedHashMap<String, String>();
        files.put("configure.ac", """
                AC_INIT([fstests-standin], [1.0])
                AC_PROG_CC
                AC_CONFIG_FILES([include/builddefs])
                AC_OUTPUT
                """);
        files.put("include/builddefs.in", """
                CC = @CC@
                PKG_LIB_DIR = $(DESTDIR)/var/lib/xfstests
                """);
        // As fstests' top Makefile: generates configure and builddefs in the tree, then builds the subdirectories.
        files.put("Makefile", """
                HAVE_BUILDDEFS = $(shell test -f include/builddefs && echo yes || echo no)
                ifeq ($(HAVE_BUILDDEFS), yes)
                include include/builddefs
                endif

                default: include/builddefs
                \t$(MAKE) -C src

                configure: configure.ac
                \tautoconf

                include/builddefs: configure include/builddefs.in
                \t./configure

                install: default
                \tmkdir -p $(PKG_LIB_DIR)/src
                \tcp src/fsstress src/fsx $(PKG_LIB_DIR)/src/
                """);
        files.put("src/Makefile", """
                include ../include/builddefs
                all: fsstress fsx
                fsstress: fsstress.c
                \t$(CC) -o $@ $<
                fsx: fsx.c
                \t$(CC) -o $@ $<
                """);
        files.put("src/fsstress.c", program("fsstress v1"));
        files.put("src/fsx.c", program("fsx v1"));
        standIn(new StandIn("fstests", files, "var/lib/xfstests/src/fsstress", "var/lib/xfstests/src/fsx",
                "src/fsstress.c", "fsstress v1", "fsx v1"));
    }

    @Test
    void ltpStandInIsConfiguredAndBuiltOutOfTree() throws Exception {
        var files = new LinkedHashMap<String, String>();
        // A checkout: no configure; `make autotools` generates it (in the mirror).
        files.put("configure.ac", """
                AC_INIT([ltp-standin], [1.0])
                AC_PROG_CC
                AC_CONFIG_FILES([include/mk/config.mk])
                AC_OUTPUT
                """);
        files.put("include/mk/config.mk.in", """
                CC = @CC@
                prefix = @prefix@
                """);
        files.put("Makefile", """
                top_srcdir ?= $(CURDIR)
                top_builddir ?= $(top_srcdir)
                -include $(top_builddir)/include/mk/config.mk

                all: $(top_builddir)/fork01 $(top_builddir)/mmap01
                $(top_builddir)/%: $(top_srcdir)/testcases/%.c
                \t$(CC) -o $@ $<

                autotools:
                \tcd $(top_srcdir) && autoconf

                install: all
                \tmkdir -p $(DESTDIR)$(prefix)/testcases/bin
                \tcp $(top_builddir)/fork01 $(top_builddir)/mmap01 $(DESTDIR)$(prefix)/testcases/bin/
                """);
        files.put("testcases/fork01.c", program("fork01 v1"));
        files.put("testcases/mmap01.c", program("mmap01 v1"));
        standIn(new StandIn("ltp", files, "opt/ltp/testcases/bin/fork01", "opt/ltp/testcases/bin/mmap01",
                "testcases/fork01.c", "fork01 v1", "mmap01 v1"));
    }

    @Test
    void blktestsStandInBuildsWithPlainMakefilesInTheMirror() throws Exception {
        var files = new LinkedHashMap<String, String>();
        files.put("Makefile", """
                prefix ?= /usr/local
                dest = $(DESTDIR)$(prefix)/blktests

                all:
                \t$(MAKE) -C src all

                install:
                \tinstall -m755 -d $(dest)
                \tinstall check $(dest)
                \t$(MAKE) -C src dest=$(dest)/src install
                """);
        files.put("src/Makefile", """
                all: loblksize sg-helper
                %: %.c
                \t$(CC) -o $@ $<
                install:
                \tinstall -m755 -d $(dest)
                \tinstall loblksize sg-helper $(dest)
                """);
        files.put("check", "#!/bin/sh\necho blktests-check\n");
        files.put("src/loblksize.c", program("loblksize v1"));
        files.put("src/sg-helper.c", program("sg-helper v1"));
        standIn(new StandIn("blktests", files, "usr/lib/blktests/src/loblksize", "usr/lib/blktests/src/sg-helper",
                "src/loblksize.c", "loblksize v1", "sg-helper v1"));
    }

    @Test
    void bpfilterStandInIsAnOutOfTreeCMakeBuild() throws Exception {
        var files = new LinkedHashMap<String, String>();
        files.put("CMakeLists.txt", """
                cmake_minimum_required(VERSION 3.20)
                project(bpfilter-standin LANGUAGES C)
                option(NO_DOCS "no documentation" OFF)
                option(NO_TESTS "no tests" OFF)
                option(NO_CHECKS "no style checks" OFF)
                option(NO_BENCHMARKS "no benchmarks" OFF)
                if (NOT NO_TESTS)
                    message(FATAL_ERROR "the build script must turn the tests off")
                endif ()
                add_executable(bfcli src/bfcli.c)
                add_executable(bpfilter src/bpfilter.c)
                install(TARGETS bfcli bpfilter DESTINATION sbin)
                """);
        files.put("src/bfcli.c", program("bfcli v1"));
        files.put("src/bpfilter.c", program("bpfilter v1"));
        standIn(new StandIn("bpfilter", files, "usr/sbin/bfcli", "usr/sbin/bpfilter", "src/bfcli.c", "bfcli v1",
                "bpfilter v1"));
    }

    private static String program(String says) {
        return "#include <stdio.h>\nint main(void) { puts(\"" + says + "\"); return 0; }\n";
    }

    private static void standIn(StandIn s) throws Exception {
        Path project = ModuleProjects.newProject(s.module());
        Path source = project.resolve(s.module() + "-src");
        for (var f : s.files().entrySet()) {
            Path file = source.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
            if (f.getKey().equals("check")) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        ModuleProjects.write(project, ItProject.empty().output("none").build("BuildSources=" + source + ":" + s.module()));
        Path dest = ModuleProjects.buildDirectory(project, s.module()).resolve("destdir");
        Exec exec = KernelFixture.exec(project);
        String sourceBefore = KernelFixture.treeHash(source);

        KimgCli first = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "--" + s.module());
        assertEquals(0, first.status(), first::toString);
        assertEquals(sourceBefore, KernelFixture.treeHash(source), "the build wrote into the source tree");
        // Built against the overlay's bookworm libc, which this Debian 12 host shares: run them here.
        assertEquals(s.buildOutput(), exec.capture("run-" + s.module(), Cmd.of(dest.resolve(s.editedProgram()).toString()))
                .text().strip());
        assertEquals(s.otherOutput(), exec.capture("run-" + s.module(), Cmd.of(dest.resolve(s.otherProgram()).toString()))
                .text().strip());
        Map<String, FileTime> outputsBefore = buildOutputs(project, s.module());

        Path edited = source.resolve(s.editedSource());
        Files.writeString(edited, Files.readString(edited).replace(" v1", " v2"));
        String sourceEdited = KernelFixture.treeHash(source);
        KimgCli again = KimgCli.run(project, "-C", project.toString(), "-t", "none", "build", "-i", "--" + s.module());
        assertEquals(0, again.status(), again::toString);
        assertEquals(sourceEdited, KernelFixture.treeHash(source), "the -i build wrote into the source tree");
        assertEquals(s.buildOutput().replace(" v1", " v2"), exec.capture("run-" + s.module(),
                Cmd.of(dest.resolve(s.editedProgram()).toString())).text().strip());

        // Only the edited program was rebuilt: every other build output (configure's, the other program) kept
        // its mtime.
        Map<String, FileTime> outputsAfter = buildOutputs(project, s.module());
        String editedName = Path.of(s.editedProgram()).getFileName().toString();
        var changed = outputsAfter.keySet().stream()
                .filter(p -> !outputsAfter.get(p).equals(outputsBefore.get(p)))
                .toList();
        assertTrue(changed.stream().allMatch(p -> p.contains(editedName)), "rebuilt: " + changed);
        assertTrue(changed.stream().anyMatch(p -> Path.of(p).getFileName().toString().equals(editedName)),
                "the edited program was not rebuilt: " + changed);
    }

    /**
     * Files the build made in the build directory (not the mirrored sources, not the install): by relative path,
     * with their mtimes.
     */
    private static Map<String, FileTime> buildOutputs(Path project, String module) throws IOException {
        Path buildDir = ModuleProjects.buildDirectory(project, module);
        var out = new java.util.TreeMap<String, FileTime>();
        try (var s = Files.walk(buildDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = buildDir.relativize(p).toString();
                // CMake's bookkeeping is rewritten by every build (its manifest by every install, the dependency
                // scan results of every target): not build outputs.
                String name = p.getFileName().toString();
                if (Files.isRegularFile(p) && !rel.startsWith("destdir") && !rel.startsWith("artifacts")
                        && !name.equals("install_manifest.txt") && !name.startsWith("compiler_depend.")
                        && !isMirroredSource(project, module, rel)) {
                    out.put(rel, Files.getLastModifiedTime(p));
                }
            }
        }
        return out;
    }

    private static boolean isMirroredSource(Path project, String module, String rel) {
        return rel.startsWith("src/") && Files.exists(project.resolve(module + "-src").resolve(rel.substring(4)));
    }
}
