package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kimg.Golden;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The modules' build scripts (modules/<name>/mkosi.build.chroot) as command lines: each script runs with mkosi's
 * contract variables and a PATH of stub tools (make, cmake, rsync, ...) that only log how they were called, so
 * the golden files show every command a first build and a second (incremental) build run, without building
 * anything. The stand-in ITs (ModuleScriptsIT) run the same scripts with the real tools in the build overlay.
 */
class ModuleScriptsTest {
    static final Path MODULES = Path.of("modules").toAbsolutePath();

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"btrfs-progs", "fstests", "ltp", "blktests", "bpfilter"})
    void firstAndIncrementalBuildRunTheseCommands(String module) throws Exception {
        commands(module, true);
    }

    /** A git checkout has no configure yet: the scripts generate it, in the mirror (never in $SRCDIR). */
    @ParameterizedTest
    @ValueSource(strings = {"btrfs-progs", "ltp"})
    void aCheckoutWithoutConfigureGetsOneInTheMirror(String module) throws Exception {
        commands(module, false);
    }

    private void commands(String module, boolean releaseTarball) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path build = Files.createDirectories(dir.resolve("build"));
        Path dest = Files.createDirectories(dir.resolve("dest"));
        Path stubs = Files.createDirectories(dir.resolve("stubs"));
        Path log = dir.resolve("commands.log");
        // A release tarball ships configure (its stub leaves what a real configure leaves); a checkout has the
        // generators (autogen.sh, `make autotools`) that write it into the tree they run in.
        String configure = "#!/bin/sh\necho \"[$PWD] configure $*\" >>\"$KIMG_STUB_LOG\"\ntouch Makefile.inc config.status";
        String writeConfigure = "printf '%s\\n' '" + configure.replace("'", "'\\''") + "' >configure && chmod +x configure";
        if (releaseTarball) {
            stub(src.resolve("configure"), "touch Makefile.inc config.status");
        }
        stub(src.resolve("autogen.sh"), writeConfigure);
        stub(stubs.resolve("make"), "case \"$*\" in *autotools*) cd \"$2\" && " + writeConfigure + ";; esac");
        stub(stubs.resolve("cmake"), "case \"$*\" in *-B*) mkdir -p \"$4\" && touch \"$4/CMakeCache.txt\";; esac");
        // rsync copies for real (scripts test what it produced), through cp, after logging.
        stub(stubs.resolve("rsync"), "for last; do :; done; src=; for a; do case $a in -*) ;; *) [ -z \"$src\" ] && src=$a;; esac; done;"
                + " cp -a \"$src.\" \"$last\"");

        var text = new StringBuilder();
        for (String round : List.of("first build", "second build")) {
            Files.deleteIfExists(log);
            run(MODULES.resolve(module).resolve("mkosi.build.chroot"), src, build, dest, stubs, log);
            text.append("# ").append(round).append('\n');
            for (String line : Files.readAllLines(log)) {
                text.append(line.replace(dir.toString(), "<tmp>")).append('\n');
            }
        }
        assertEquals(releaseTarball, Files.exists(src.resolve("configure")), "the script wrote into $SRCDIR");
        try (var names = Files.list(src)) {
            assertEquals(List.of(), names.map(p -> p.getFileName().toString())
                    .filter(n -> !List.of("configure", "autogen.sh").contains(n)).toList(), "the script wrote into $SRCDIR");
        }
        Golden.assertText("module/scripts/" + module + (releaseTarball ? "" : "-checkout") + ".commands",
                text.toString());
    }

    private void run(Path script, Path src, Path build, Path dest, Path stubs, Path log) throws Exception {
        var pb = new ProcessBuilder("sh", script.toString(), "build").directory(build.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", stubs + ":/usr/bin:/bin");
        env.put("SRCDIR", src.toString());
        env.put("BUILDDIR", build.toString());
        env.put("DESTDIR", dest.toString());
        env.put("ARTIFACTDIR", dir.resolve("artifacts").toString());
        env.put("JOBS", "3");
        env.put("KIMG_STUB_LOG", log.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }

    /** An executable that logs "<name> <args>" (with $PWD) to $KIMG_STUB_LOG, then runs {@code then}. */
    private static void stub(Path file, String then) throws IOException {
        Files.writeString(file, "#!/bin/sh\necho \"[$PWD] $(basename \"$0\") $*\" >>\"$KIMG_STUB_LOG\"\n" + then + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Every module in modules/ is found by a project that Include=s it, with its script and its own flag. */
    @Test
    void everyRepositoryModuleHasAChrootBuildScriptAndDebianBuildPackages() {
        for (String module : List.of("btrfs-progs", "fstests", "ltp", "blktests", "bpfilter")) {
            Config config = projectIncluding(module);
            var def = config.module(module).orElseThrow();
            assertTrue(def.enabled(), module);
            assertEquals(MODULES.resolve(module).resolve("mkosi.build.chroot"), def.buildScript().orElseThrow());
            assertTrue(def.runsInImage(), module);
            assertTrue(Files.isExecutable(def.buildScript().orElseThrow()), module + "'s script is not executable");
            assertTrue(!config.list("BuildPackages").isEmpty(), module);
        }
    }

    private Config projectIncluding(String module) {
        try {
            Path project = Files.createDirectories(dir.resolve("p-" + module));
            Files.writeString(project.resolve("mkosi.conf"), "[Config]\nInclude=" + MODULES.resolve(module)
                    + "\n\n[Distribution]\nDistribution=debian\nRelease=bookworm\n");
            var values = new LinkedHashMap<String, List<String>>();
            return ConfigLoader.load(ConfigInput.of(project).forBuild().withOverrides(values));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
