package kimg.verb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.fs.ProjectLock.Use;
import kimg.manifest.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each verb declares the one lock it takes for all it does (the runner takes it once): a guest that will build
 * first holds the build's parts from the start, one that boots what exists only the guest's.
 */
class VerbLockTest {
    @TempDir
    Path dir;

    private Config config() {
        return Config.ofValues(dir, Map.of("Packages", List.of("linux-image-amd64")));
    }

    private void lastBuild(Config config) throws Exception {
        Path root = Files.createDirectories(config.outputDirectory().resolve("image"));
        new Manifest("0", "now", "debian", "bookworm", "x86-64", null, new Manifest.Image("directory",
                root.toString(), null, "k", false, null, null), List.of(), Map.of()).write(config.outputDirectory());
    }

    @Test
    void buildsTakeTheWholeProjectAndBuildIOnlyTheBuildDirectories() {
        assertEquals(Use.BUILD, new BuildVerb(BuildOptions.defaults(), false, false).prepare(config()).lock());
        var modulesOnly = new BuildOptions(true, List.of(), null, 0, 1);
        assertEquals(Use.MODULES, new BuildVerb(modulesOnly, false, false).prepare(config()).lock());
        assertEquals(Use.BUILD, new CleanVerb(0).prepare(config()).lock());
        assertEquals(Use.MODULES, new GenkeyVerb().prepare(config()).lock());
    }

    @Test
    void aGuestThatBuildsFirstHoldsTheBuildFromTheStart() throws Exception {
        Config c = config();
        assertEquals(Use.GUEST_BUILD, new QemuVerb(BuildOptions.defaults(), false).prepare(c).lock());
        assertEquals(Use.GUEST_BUILD, new RunVerb(BuildOptions.defaults(), false, List.of("true")).prepare(c).lock());
        lastBuild(c);
        assertEquals(Use.GUEST, new QemuVerb(BuildOptions.defaults(), true).prepare(c).lock(), "--no-build");
        assertEquals(Use.GUEST_BUILD, new QemuVerb(new BuildOptions(false, List.of(), null, 1, 1), false)
                .prepare(c).lock(), "-f");
        assertEquals(Use.ATTACH, new SshVerb(0, List.of()).prepare(c).lock());
        assertEquals(Use.ATTACH, new GdbVerb(0, List.of()).prepare(c).lock());
    }

    @Test
    void aMatrixHoldsTheWholeProjectOnceAndItsCellsNestInside() throws Exception {
        var axes = new kimg.matrix.Matrix.Options(List.of("x86-64"), List.of("gcc"), List.of("no", "yes"));
        var matrix = new MatrixVerb(kimg.config.ConfigInput.of(dir), 0, 1, 2, false, axes, List.of("true"));
        assertEquals(Use.GUEST_BUILD, matrix.prepare(config()).lock());
        // Its cells' builds and --no-build runs take their own locks inside it, from several threads at once.
        try (var outer = kimg.fs.ProjectLock.acquire(dir, Use.GUEST_BUILD, "kimg matrix")) {
            var cells = new java.util.ArrayList<java.util.concurrent.CompletableFuture<Void>>();
            for (Use use : List.of(Use.BUILD, Use.GUEST, Use.GUEST, Use.BUILD)) {
                cells.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try (var inner = kimg.fs.ProjectLock.acquire(dir, use, "kimg " + use)) {
                        assertEquals("", kimg.fs.ProjectLock.holderOf(dir, kimg.fs.ProjectLock.Part.GUEST));
                    }
                }));
            }
            java.util.concurrent.CompletableFuture.allOf(cells.toArray(new java.util.concurrent.CompletableFuture[0]))
                    .get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertEquals("kimg matrix --guests: needs a number of guests of at least 1, not 0", assertThrows(
                ConfigError.class, () -> new MatrixVerb(kimg.config.ConfigInput.of(dir), 0, 1, 0, false, axes,
                        List.of("true")).prepare(config())).getMessage());
    }

    @Test
    void printingVerbsTakeNoLockAndRunNoSteps() {
        Prepared summary = new SummaryVerb(BuildOptions.defaults(), false, true).prepare(config());
        assertNull(summary.lock());
        assertFalse(summary.runsSteps());
        assertFalse(new CatConfigVerb().prepare(config()).runsSteps());
    }

    @Test
    void argumentsAreCheckedBeforeTheLock() {
        assertEquals("kimg run needs a command: kimg run -- COMMAND [ARGS...]", assertThrows(ConfigError.class,
                () -> new RunVerb(BuildOptions.defaults(), false, List.of()).prepare(config())).getMessage());
        assertThrows(ConfigError.class, () -> new GdbVerb(0, List.of()).prepare(config()), "nothing to attach to");
    }
}
