package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleSelectionTest {
    @TempDir
    Path dir;

    private Config project(String local) throws IOException {
        Files.writeString(dir.resolve("mkosi.conf"), "[Distribution]\nDistribution=debian\n");
        for (String m : List.of("kernel", "btrfs-progs", "foo", "blktests")) {
            Files.createDirectories(dir.resolve("modules/" + m));
            Files.writeString(dir.resolve("modules/" + m + "/mkosi.conf"), "[Content]\nPackages=" + m + "-pkg\n");
            Files.createDirectories(dir.resolve("src/" + m));
        }
        Files.writeString(dir.resolve("mkosi.local.conf"), local);
        return ConfigLoader.load(ConfigInput.of(dir).forBuild(), Map.of());
    }

    /** The --<module> flags of a build (with or without -i: the selection is the same). */
    private static List<String> build(Path dir, boolean incremental, String... modules) {
        return List.of(modules);
    }

    private static List<String> names(List<ModuleSelection.Selected> s) {
        return s.stream().map(ModuleSelection.Selected::name).toList();
    }

    @Test
    void kernelFirstThenIncludedModulesInIncludeOrder() throws IOException {
        Config c = project("[Config]\nInclude=modules/foo\nInclude=modules/btrfs-progs\nInclude=modules/kernel\n"
                + "[Build]\nBuildSources=src/kernel:kernel,src/btrfs-progs:btrfs-progs,src/foo:foo\n");
        assertEquals(List.of("kernel", "foo", "btrfs-progs"), names(ModuleSelection.select(c, build(dir, false))));
    }

    @Test
    void enabledModuleWithoutSourceIsSkippedSilently() throws IOException {
        Config c = project("[Config]\nInclude=modules/foo,modules/btrfs-progs\n[Build]\nBuildSources=src/foo:foo\n");
        assertEquals(List.of("foo"), names(ModuleSelection.select(c, build(dir, false))));
    }

    @Test
    void moduleFlagsRestrictTheBuild() throws IOException {
        Config c = project("[Config]\nInclude=modules/foo,modules/btrfs-progs\n"
                + "[Build]\nBuildSources=src/foo:foo,src/btrfs-progs:btrfs-progs\n");
        assertEquals(List.of("btrfs-progs"), names(ModuleSelection.select(c, build(dir, true, "btrfs-progs"))));
    }

    @Test
    void namingAModuleThatIsNotIncludedIsAUsageError() throws IOException {
        Config c = project("[Build]\nBuildSources=src/blktests:blktests\n");
        ConfigError e = assertThrows(ConfigError.class, () -> ModuleSelection.select(c, build(dir, true, "blktests")));
        assertTrue(e.getMessage().contains("Include=modules/blktests"), e.getMessage());
    }

    @Test
    void namingAModuleWithoutSourceIsAUsageError() throws IOException {
        Config c = project("[Config]\nInclude=modules/blktests\n");
        ConfigError e = assertThrows(ConfigError.class, () -> ModuleSelection.select(c, build(dir, true, "blktests")));
        assertTrue(e.getMessage().contains("BuildSources=<path>:blktests"), e.getMessage());
    }

    @Test
    void kernelSourceAloneBuildsTheKernel() throws IOException {
        Config c = project("[Build]\nBuildSources=src/kernel:kernel\n");
        assertEquals(List.of("kernel"), names(ModuleSelection.select(c, build(dir, true, "kernel"))));
    }
}
