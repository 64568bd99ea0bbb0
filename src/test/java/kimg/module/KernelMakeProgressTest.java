package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel make's progress, read from a recorded kbuild log (a tinyconfig kernel with the minix module). */
class KernelMakeProgressTest {
    static final Path SAMPLE = Path.of("src/test/resources/progress/kernel-make-modules.log");

    @TempDir
    Path buildDir;

    static KernelMakeProgress fed(OptionalLong expected, List<String> lines) {
        var p = new KernelMakeProgress(expected);
        lines.forEach(p::line);
        return p;
    }

    @Test
    void countsKbuildObjectLinesIncludingModulesAndNothingElse() throws IOException {
        var p = fed(OptionalLong.empty(), Files.readAllLines(SAMPLE));
        // 42 CC/CC [M]/AS/LD/LD [M]/AR lines; HOSTCC, WRAP, UPD, LDS, WARNING and make's own lines do not count.
        assertEquals(42, p.built());
        assertEquals("42 objects", p.status(Duration.ofSeconds(3)));
        assertEquals("42 objects", p.summary());
        var q = fed(OptionalLong.empty(), List.of("  HOSTCC  scripts/basic/fixdep", "  LDS     scripts/module.lds",
                "  CC [M]  fs/minix/inode.o", "  LD [M]  fs/minix/minix.ko", "fs/x.c:1: warning:   CC nothing"));
        assertEquals(2, q.built());
    }

    @Test
    void aBuildFromScratchShowsObjectsOfTheLastTotalWithAnEta() throws IOException {
        var p = fed(OptionalLong.of(84), Files.readAllLines(SAMPLE));
        assertEquals("42/84 objects, about 20s left", p.status(Duration.ofSeconds(20)));
        // More than expected (a bigger config): the total follows the count, no ETA.
        var q = fed(OptionalLong.of(10), Files.readAllLines(SAMPLE));
        assertEquals("42/42 objects", q.status(Duration.ofSeconds(20)));
    }

    @Test
    void theCountIsKeptOnlyForBuildsFromScratch() throws IOException {
        assertTrue(KernelMakeProgress.fromScratch(buildDir));
        assertEquals(OptionalLong.empty(), KernelMakeProgress.in(buildDir).expected());
        var first = fed(OptionalLong.empty(), Files.readAllLines(SAMPLE));
        first.record(buildDir, true);
        assertEquals(OptionalLong.of(42), KernelMakeProgress.lastCount(buildDir));
        assertEquals(OptionalLong.of(42), KernelMakeProgress.in(buildDir).expected());

        // Once something is compiled, a make is incremental: no total, and its small count is not kept.
        Files.createDirectories(buildDir.resolve("init"));
        Files.writeString(buildDir.resolve("init/main.o"), "");
        assertFalse(KernelMakeProgress.fromScratch(buildDir));
        assertEquals(OptionalLong.empty(), KernelMakeProgress.in(buildDir).expected());
        fed(OptionalLong.empty(), List.of("  CC      init/main.o")).record(buildDir, false);
        assertEquals(OptionalLong.of(42), KernelMakeProgress.lastCount(buildDir));
    }
}
