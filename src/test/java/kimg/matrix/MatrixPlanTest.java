package kimg.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import kimg.config.Settings;
import kimg.plan.BuildPlan;
import kimg.plan.Planner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The matrix plan: its cells, and that each cell's settings give it its own build, output and ports. */
class MatrixPlanTest {
    @TempDir
    Path tmp;

    static final List<String> ARCHS = List.of("x86-64", "arm64");
    static final List<String> COMPILERS = List.of("gcc", "clang");
    static final List<String> DEBUG = List.of("no", "yes");

    @Test
    void everyCombinationOnceArchitectureOutermost() {
        MatrixPlan plan = MatrixPlan.of(ARCHS, COMPILERS, DEBUG);
        assertEquals(List.of("x86-64-gcc", "x86-64-gcc-debug", "x86-64-clang", "x86-64-clang-debug", "arm64-gcc",
                "arm64-gcc-debug", "arm64-clang", "arm64-clang-debug"),
                plan.cells().stream().map(MatrixPlan.Cell::name).toList());
        assertEquals(2, MatrixPlan.of(List.of("x86-64"), COMPILERS, List.of("no")).cells().size());
    }

    @Test
    void eachCellHasItsOwnBuildDirectoryOutputAndPorts() throws Exception {
        Path project = project("CONFIG_MODULES=y\n");
        Files.writeString(project.resolve("mkosi.kernel.arm64.config"), "CONFIG_PCI_HOST_GENERIC=y\n");
        Files.writeString(project.resolve("mkosi.kernel.debug.config"), "CONFIG_LOCALVERSION=\"-debug\"\n");
        var buildDirs = new HashSet<Path>();
        var outputs = new HashSet<Path>();
        var ports = new HashSet<Integer>();
        for (MatrixPlan.Cell cell : MatrixPlan.of(ARCHS, COMPILERS, DEBUG).cells()) {
            Map<String, List<String>> overrides = Matrix.overrides(Map.of("Environment", List.of("W=1")),
                    cell.overrides(project.resolve("mkosi.output/matrix")));
            Config c = ConfigLoader.load(ConfigInput.of(project).withOverrides(overrides));
            BuildPlan.Kernel k = Planner.plan(c, BuildOptions.defaults()).kernel();
            assertTrue(buildDirs.add(k.buildDir()), cell.name() + " shares " + k.buildDir());
            assertTrue(outputs.add(c.outputDirectory()), cell.name());
            assertTrue(ports.add(c.get(Settings.GDB_PORT)) && ports.add(c.get(Settings.SSH_PORT)), cell.name());
            assertEquals(cell.architecture(), c.architecture());
            assertEquals(cell.compiler().equals("clang"), k.makeVariables().contains("LLVM=1"), cell.name());
            assertTrue(k.makeVariables().contains("W=1"), "the user's Environment= is kept: " + k.makeVariables());
            assertEquals(cell.architecture().toString().equals("arm64") ? "mkosi.kernel.arm64.config"
                    : "mkosi.kernel.config", k.config().getFileName().toString());
            String expected = (cell.debug() ? "-debug" : "") + (cell.compiler().equals("clang") ? "-clang" : "");
            assertEquals(expected, k.localVersion(), cell.name());
        }
        assertEquals(8, buildDirs.size());
    }

    /** A project on a fake kernel tree (Makefile, scripts/kconfig) whose mkosi.kernel.config is {@code kernelConfig}. */
    private Path project(String kernelConfig) throws Exception {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Path tree = tmp.resolve("linux");
        Files.createDirectories(tree.resolve("scripts/kconfig"));
        Files.writeString(tree.resolve("Makefile"), "");
        Files.writeString(project.resolve("mkosi.conf"), "[Build]\nBuildSources=" + tree + ":kernel\n");
        Files.writeString(project.resolve("mkosi.kernel.config"), kernelConfig);
        return project;
    }

    @Test
    void everyCellsKernelConfigInputsAreCheckedBeforeAnyStep() throws Exception {
        Path project = project("CONFIG_MODULES=y\nCONFIG_X86_64=y\n");
        ConfigInput base = ConfigInput.of(project);
        Matrix.checkCells(base, MatrixPlan.of(List.of("x86-64"), COMPILERS, List.of("no")));
        // No mkosi.kernel.debug.config: the debug cell is refused, as Debug=yes summary --plan refuses it.
        ConfigError debug = assertThrows(ConfigError.class,
                () -> Matrix.checkCells(base, MatrixPlan.of(List.of("x86-64"), COMPILERS, DEBUG)));
        assertEquals("Debug", debug.setting());
        assertTrue(debug.getMessage().startsWith("matrix cell x86-64-gcc-debug: a debug kernel needs"
                + " mkosi.kernel.debug.config"), debug.getMessage());
        // The x86-64 config for an arm64 cell.
        ConfigError arm = assertThrows(ConfigError.class,
                () -> Matrix.checkCells(base, MatrixPlan.of(ARCHS, COMPILERS, List.of("no"))));
        assertEquals("Architecture", arm.setting());
        assertTrue(arm.getMessage().startsWith("matrix cell arm64-gcc: kernel config mkosi.kernel.config in the"
                + " project sets CONFIG_X86_64=y"), arm.getMessage());
        // The verb checks before its steps: prepare throws, nothing has run.
        var verb = new kimg.verb.MatrixVerb(base, 0, 1, 1, false,
                new Matrix.Options(ARCHS, COMPILERS, List.of("no")), List.of("true"));
        assertThrows(ConfigError.class, () -> verb.prepare(ConfigLoader.load(base)));
    }

    @Test
    void badAxesAreUsageErrorsNamingTheAxis() {
        assertTrue(assertThrows(ConfigError.class, () -> MatrixPlan.of(List.of("riscv64"), COMPILERS, DEBUG))
                .getMessage().contains("--arch"));
        assertTrue(assertThrows(ConfigError.class, () -> MatrixPlan.of(List.of("sparc"), COMPILERS, DEBUG))
                .getMessage().contains("unknown architecture 'sparc'"));
        assertTrue(assertThrows(ConfigError.class, () -> MatrixPlan.of(ARCHS, List.of("icc"), DEBUG))
                .getMessage().contains("--compiler"));
        assertEquals("kimg matrix --debug-variants: 'maybe' is not yes or no", assertThrows(ConfigError.class,
                () -> MatrixPlan.of(ARCHS, COMPILERS, List.of("maybe"))).getMessage());
        assertTrue(assertThrows(ConfigError.class, () -> MatrixPlan.of(ARCHS, List.of(), DEBUG))
                .getMessage().contains("--compiler"));
        assertTrue(assertThrows(ConfigError.class, () -> MatrixPlan.of(List.of("arm64", "arm64"), COMPILERS, DEBUG))
                .getMessage().contains("twice"));
    }

    @Test
    void guestsInParallelFitTheCores() {
        assertEquals(1, MatrixPlan.parallelGuests(2, 2));
        assertEquals(4, MatrixPlan.parallelGuests(8, 2));
        assertEquals(1, MatrixPlan.parallelGuests(1, 4));
    }

    @Test
    void theTableHasARowPerCellAndCountsSplats() {
        List<MatrixPlan.Cell> cells = MatrixPlan.of(List.of("x86-64"), List.of("gcc"), DEBUG).cells();
        String console = "ok\n[  1.2] BUG: KASAN: slab-use-after-free in uaf_init+0x1/0x2\n"
                + "[  1.3] WARNING: possible circular locking dependency detected\nplain line\n";
        assertEquals(2, MatrixTable.splats(console));
        var rows = List.of(
                new MatrixTable.Row(cells.get(0), Duration.ofMillis(12300), Duration.ofMillis(4100), 0, 0, null,
                        Path.of("/p/mkosi.output/matrix/x86-64-gcc/console.log")),
                new MatrixTable.Row(cells.get(1), Duration.ofSeconds(1), null, null, 0, "kernel-make failed", null));
        List<String> lines = MatrixTable.text(rows).lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(1).matches("x86-64-gcc\\s+12\\.3s\\s+4\\.1s\\s+0\\s+0\\s*"), lines.get(1));
        assertTrue(lines.get(2).contains("kernel-make failed"), lines.get(2));
        assertTrue(rows.get(0).ok());
        assertFalse(rows.get(1).ok());
    }

    /** A row that is not clean says why in words and names the console file to read; a clean row says nothing. */
    @Test
    void aBadRowSaysWhyAndWhereItsConsoleIs() {
        MatrixPlan.Cell cell = MatrixPlan.of(List.of("x86-64"), List.of("clang"), DEBUG).cells().get(1);
        Path console = Path.of("/p/mkosi.output/matrix/" + cell.name() + "/console.log");
        Duration t = Duration.ofSeconds(1);
        assertEquals("timed out (RunTimeout=); console: " + console,
                new MatrixTable.Row(cell, t, t, 124, 0, null, console).note());
        assertEquals("kernel panic; console: " + console, new MatrixTable.Row(cell, t, t, 91, 1, null, console).note());
        assertEquals("kernel splat; console: " + console, new MatrixTable.Row(cell, t, t, 0, 2, null, console).note());
        assertEquals("CMD exited 3; console: " + console, new MatrixTable.Row(cell, t, t, 3, 0, null, console).note());
        assertEquals("", new MatrixTable.Row(cell, t, t, 0, 0, null, console).note());
        assertTrue(MatrixTable.text(List.of(new MatrixTable.Row(cell, t, t, 124, 0, null, console))).contains(
                "124       0  timed out (RunTimeout=); console: " + console));
    }
}
