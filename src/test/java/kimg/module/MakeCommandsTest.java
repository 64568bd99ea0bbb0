package kimg.module;

import kimg.config.Architecture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: each command's expected argv, one argument per line, in src/test/resources/module/make/. Run
 * with -Dkimg.golden.update=true to rewrite them after an intended change (then review the diff).
 */
class MakeCommandsTest {
    static final Path GOLDEN = Path.of("src/test/resources/module/make");
    static final Path TREE = Path.of("/src/linux");
    static final Path BUILD = Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/default");

    static MakeCommands commands(Map<String, String> env) {
        return new MakeCommands(TREE, BUILD, 2, MakeCommands.variables(env, false, Architecture.X86_64, Architecture.X86_64));
    }

    static void golden(String name, List<String> argv) throws IOException {
        Path file = GOLDEN.resolve(name + ".argv");
        if (Boolean.getBoolean("kimg.golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.write(file, argv, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readAllLines(file, StandardCharsets.UTF_8), argv, "golden file " + file);
    }

    @Test
    void baseConfig() throws IOException {
        golden("base-config", commands(Map.of()).baseConfig(List.of("tinyconfig")));
    }

    @Test
    void allDefConfigAppliesAWholeConfig() throws IOException {
        golden("alldefconfig", commands(Map.of()).allDefConfig(Path.of("/p/mkosi.kernel.config")));
    }

    @Test
    void mergeConfigUsesTheTreesScript() throws IOException {
        golden("merge-config", commands(Map.of()).mergeConfig(
                List.of(Path.of("/p/mkosi.kernel.config"), Path.of("/p/debug.fragment"))));
    }

    @Test
    void olddefconfig() throws IOException {
        golden("olddefconfig", commands(Map.of()).olddefconfig());
    }

    @Test
    void listNewConfig() throws IOException {
        golden("listnewconfig", commands(Map.of()).listNewConfig());
    }

    @Test
    void fullBuild() throws IOException {
        golden("build-full", commands(Map.of()).build(
                List.of("bzImage", "modules", "scripts_gdb", "compile_commands.json")));
    }

    @Test
    void incrementalBuildIsModulesOnly() throws IOException {
        golden("build-incremental", commands(Map.of()).build(List.of("modules")));
    }

    @Test
    void modulesInstall() throws IOException {
        golden("modules-install", commands(Map.of()).modulesInstall(
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/modules/.install-123")));
    }

    @Test
    void depmodOverTheInstalledRelease() throws IOException {
        golden("depmod", commands(Map.of()).depmod(
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/modules/.install-123"), "6.1.192"));
    }

    @Test
    void clangMeansLlvm() throws IOException {
        golden("build-clang", commands(Map.of("CC", "clang")).build(List.of("bzImage")));
        assertEquals(commands(Map.of("CC", "clang")).variables(), commands(Map.of("LLVM", "1")).variables());
    }

    @Test
    void versionedClangIsPassedAsCc() throws IOException {
        golden("build-clang-15", commands(Map.of("CC", "clang-15")).build(List.of("bzImage")));
    }

    @Test
    void otherCompilerIsPassedAsCc() throws IOException {
        golden("build-gcc-12", commands(Map.of("CC", "gcc-12")).build(List.of("bzImage")));
    }

    @Test
    void ccacheWrapsTheCompiler() throws IOException {
        var gcc = new MakeCommands(TREE, BUILD, 2,
                MakeCommands.variables(Map.of("CCACHE", "1"), true, Architecture.X86_64, Architecture.X86_64));
        golden("build-ccache", gcc.build(List.of("bzImage")));
        var clang = new MakeCommands(TREE, BUILD, 2,
                MakeCommands.variables(Map.of("CCACHE", "1", "LLVM", "1"), true, Architecture.X86_64, Architecture.X86_64));
        golden("build-ccache-clang", clang.build(List.of("bzImage")));
    }

    @Test
    void environmentLocalVersionAndBuildIdentityPassThrough() throws IOException {
        golden("build-env", commands(Map.of("LOCALVERSION", "-dev", "KBUILD_BUILD_HOST", "box", "KCFLAGS", "-Og",
                "W", "1", "UNRELATED", "x")).build(List.of("bzImage")));
    }

    @Test
    void crossBuildSetsArchAndCrossCompile() throws IOException {
        var cross = new MakeCommands(TREE, BUILD, 4,
                MakeCommands.variables(Map.of(), false, Architecture.ARM64, Architecture.X86_64));
        golden("build-cross-arm64", cross.build(List.of("Image", "modules")));
    }

    @Test
    void wantsCcache() {
        assertEquals(true, MakeCommands.wantsCcache(Map.of("CCACHE", "yes")));
        assertEquals(false, MakeCommands.wantsCcache(Map.of("CCACHE", "0")));
        assertEquals(false, MakeCommands.wantsCcache(Map.of()));
    }
}
