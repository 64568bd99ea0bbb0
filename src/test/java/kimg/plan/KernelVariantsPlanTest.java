package kimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.module.KernelDebug;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel variants of one project, as the plan sees them: Debug=yes (or Environment=DEBUG=1) and Architecture=arm64
 * each choose their config and get their own build directory, so they coexist with the plain x86-64 build.
 */
class KernelVariantsPlanTest {
    @TempDir
    Path tmp;

    PlanProject p;

    @BeforeEach
    void setUp() {
        p = new PlanProject(tmp);
        PlanProject.write(p.project.resolve(KernelDebug.FILE_NAME), "CONFIG_LOCALVERSION=\"-debug\"\nCONFIG_KASAN=y\n");
    }

    private BuildPlan.Kernel kernel(String... settings) {
        return Planner.plan(p.config(settings), BuildOptions.defaults()).kernel();
    }

    @Test
    void debugMergesTheFragmentIntoItsOwnBuildDirectory() {
        BuildPlan.Kernel plain = kernel();
        BuildPlan.Kernel debug = kernel("Debug=yes");
        assertTrue(plain.buildDir().endsWith("debian~bookworm~x86-64/kernel/default"), plain.buildDir().toString());
        assertTrue(debug.buildDir().endsWith("debian~bookworm~x86-64/kernel/-debug"), debug.buildDir().toString());
        assertEquals("-debug", debug.localVersion());
        assertEquals(plain.config(), debug.config(), "the same base config, the fragment on top");
        assertEquals(debug.buildDir(), kernel("Environment=DEBUG=1").buildDir(), "mkosi-kernel's spelling");
        assertEquals(plain.buildDir(), kernel("Environment=DEBUG=0").buildDir());
    }

    @Test
    void thePlanNamesEveryFragmentMergedOnTopInMergeOrder() {
        Path extra = p.project.resolve("extra.config");
        PlanProject.write(extra, "CONFIG_PRINTK=y\n");
        BuildPlan plan = Planner.plan(p.config("Debug=yes", "KernelConfigFragments=" + extra),
                BuildOptions.defaults());
        Path debug = p.project.resolve(KernelDebug.FILE_NAME);
        assertEquals(java.util.List.of(extra, debug), plan.kernel().configFragments());
        assertTrue(PlanReport.text(plan).contains("\n  merged on top: " + extra + ", " + debug + "\n"),
                PlanReport.text(plan));
        assertTrue(PlanReport.json(plan).contains("\"configFragments\" : [ \"" + extra + "\", \"" + debug + "\" ]"),
                PlanReport.json(plan));
        assertTrue(PlanReport.text(Planner.plan(p.config(), BuildOptions.defaults()))
                .contains("\n  merged on top: (none)\n"));
    }

    @Test
    void aBuiltPlainKernelStaysCurrentWhileTheDebugOneWasNeverBuilt() {
        p.markKernelBuilt(p.config());
        assertEquals(BuildPlan.Freshness.CURRENT, kernel().freshness());
        assertEquals(BuildPlan.Freshness.stale("never built"), kernel("Debug=yes").freshness());
    }

    @Test
    void debugWithoutTheFragmentIsAConfigErrorNamingTheSetting() throws Exception {
        java.nio.file.Files.delete(p.project.resolve(KernelDebug.FILE_NAME));
        ConfigError e = assertThrows(ConfigError.class, () -> kernel("Debug=yes"));
        assertEquals("Debug", e.setting());
        assertTrue(e.getMessage().contains(KernelDebug.FILE_NAME), e.getMessage());
        ConfigError env = assertThrows(ConfigError.class, () -> kernel("Environment=DEBUG=1"));
        assertEquals("Environment", env.setting());
    }

    @Test
    void arm64ChoosesItsOwnConfigAndBuildRootAndCrossCompiles() {
        PlanProject.write(p.project.resolve("mkosi.kernel.arm64.config"), "# kimg: base=tinyconfig\nCONFIG_PCI=y\n");
        BuildPlan.Kernel arm64 = kernel("Architecture=arm64");
        assertEquals(p.project.resolve("mkosi.kernel.arm64.config"), arm64.config());
        assertTrue(arm64.buildDir().endsWith("debian~bookworm~arm64/kernel/default"), arm64.buildDir().toString());
        assertTrue(arm64.makeVariables().containsAll(java.util.List.of("ARCH=arm64",
                "CROSS_COMPILE=aarch64-linux-gnu-")), arm64.makeVariables().toString());
        assertEquals("Image", arm64.goals().get(0));
        BuildPlan.Kernel both = kernel("Architecture=arm64", "Debug=yes");
        assertTrue(both.buildDir().endsWith("debian~bookworm~arm64/kernel/-debug"), both.buildDir().toString());
    }

    @Test
    void debugIsReadFromTheSettingAndTheEnvironment() {
        Config c = p.config("Debug=yes");
        assertTrue(KernelDebug.wanted(c));
        assertTrue(KernelDebug.wanted(p.config("Environment=DEBUG=yes")));
        assertTrue(!KernelDebug.wanted(p.config()));
    }

    @Test
    void debugInTheEnvironmentTakesTheDocumentedValuesAndRefusesOthersNamingTheLine() throws Exception {
        for (String on : java.util.List.of("1", "yes", "TRUE", "y")) {
            assertTrue(KernelDebug.wanted(p.config("Environment=DEBUG=" + on)), on);
        }
        for (String off : java.util.List.of("0", "no", "False", "n", "")) {
            assertTrue(!KernelDebug.wanted(p.config("Environment=DEBUG=" + off)), off);
        }
        PlanProject.write(p.project.resolve("mkosi.conf.d/debug.conf"), "[Build]\nEnvironment=DEBUG=maybe\n");
        Config maybe = p.config();
        ConfigError e = assertThrows(ConfigError.class, () -> KernelDebug.wanted(maybe));
        assertEquals("Environment", e.setting());
        assertTrue(e.render().startsWith(p.project.resolve("mkosi.conf.d/debug.conf") + ":2: Environment=: DEBUG='maybe'"
                + " is not a debug switch"), e.render());
        assertThrows(ConfigError.class, () -> Planner.checkBeforeBuild(maybe, BuildOptions.defaults()));
    }

    @Test
    void aBuildChecksTheDebugFragmentBeforeAnyStep() throws Exception {
        java.nio.file.Files.delete(p.project.resolve(KernelDebug.FILE_NAME));
        ConfigError e = assertThrows(ConfigError.class,
                () -> Planner.checkBeforeBuild(p.config("Debug=yes"), BuildOptions.defaults()));
        assertEquals("Debug", e.setting());
    }

    @Test
    void aDebugKernelGetsFourTimesTheRunTimeout() {
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(240)),
                KernelDebug.runTimeout(p.config("Debug=yes", "RunTimeout=60")));
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(240)),
                KernelDebug.runTimeout(p.config("Environment=DEBUG=1", "RunTimeout=60")));
        assertEquals(java.util.Optional.of(java.time.Duration.ofSeconds(60)),
                KernelDebug.runTimeout(p.config("RunTimeout=60")));
        assertEquals(java.util.Optional.empty(), KernelDebug.runTimeout(p.config("Debug=yes")));
    }
}
