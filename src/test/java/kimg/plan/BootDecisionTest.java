package kimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import kimg.config.ConfigError;
import org.junit.jupiter.api.Test;

/** Boot verbs and the plan: build first, boot, or boot stale and say so. */
class BootDecisionTest {
    private static final List<String> STALE = List.of("kernel: mm/slub.c changed", "image: Packages= changed");

    @Test
    void aCurrentBuildBootsWithoutALine() {
        BootDecision d = BootDecision.decide(List.of(), true, 0, false);
        assertFalse(d.build());
        assertNull(d.message());
    }

    @Test
    void anOutOfDatePartIsBuiltFirstSayingWhyInOneLine() {
        BootDecision d = BootDecision.decide(STALE, true, 0, false);
        assertTrue(d.build());
        assertEquals("building first: kernel: mm/slub.c changed; image: Packages= changed", d.message());
    }

    @Test
    void noBuildBootsWhatExistsAndWarnsItIsStale() {
        BootDecision d = BootDecision.decide(STALE, true, 0, true);
        assertFalse(d.build());
        assertEquals("booting an out-of-date build (--no-build): kernel: mm/slub.c changed; image: Packages= changed",
                d.message());
    }

    @Test
    void nothingBuiltIsBuiltFirstOrRefusedWithNoBuild() {
        assertTrue(BootDecision.decide(List.of(), false, 0, false).build());
        ConfigError e = assertThrows(ConfigError.class, () -> BootDecision.decide(List.of(), false, 0, true));
        assertTrue(e.getMessage().contains("nothing to boot"), e.getMessage());
    }

    @Test
    void forceRebuildsEvenWhenCurrent() {
        assertTrue(BootDecision.decide(List.of(), true, 1, false).build());
    }

    @Test
    void aBootWithNoKernelAnywhereIsRefusedBeforeBuilding() {
        BuildPlan noKernel = new BuildPlan(null, List.of(), null);
        ConfigError e = assertThrows(ConfigError.class,
                () -> BootDecision.requireKernel(noKernel, false, List.of("kmod"), false));
        assertTrue(e.getMessage().contains("nothing to boot"), e.getMessage());
        BootDecision.requireKernel(noKernel, false, List.of("linux-image-amd64"), false);
        BootDecision.requireKernel(noKernel, true, List.of(), false);
        BootDecision.requireKernel(noKernel, false, List.of(), true);
    }
}
