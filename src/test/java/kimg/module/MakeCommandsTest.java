package kimg.module;

import kimg.config.Architecture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.Golden;
import org.junit.jupiter.api.Test;

/**
 * Golden tests: each command's expected argv, one argument per line, in src/test/resources/module/make/ (see
 * {@link Golden} for the update property).
 */
class MakeCommandsTest {
    static final Path TREE = Path.of("/src/linux");
    static final Path BUILD = Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/default");

    static MakeCommands commands(Map<String, String> env) {
        return new MakeCommands(TREE, BUILD, 2, MakeCommands.variables(env, false, Architecture.X86_64, Architecture.X86_64));
    }

    static void golden(String name, List<String> argv) {
        Golden.assertArgv("module/make/" + name + ".argv", argv);
    }

    @Test
    void baseConfig() {
        golden("base-config", commands(Map.of()).baseConfig(List.of("tinyconfig")));
    }

    @Test
    void allDefConfigAppliesAWholeConfig() {
        golden("alldefconfig", commands(Map.of()).allDefConfig(Path.of("/p/mkosi.kernel.config")));
    }

    @Test
    void mergeConfigUsesTheTreesScript() {
        golden("merge-config", commands(Map.of()).mergeConfig(
                List.of(Path.of("/p/mkosi.kernel.config"), Path.of("/p/debug.fragment"))));
    }

    @Test
    void olddefconfig() {
        golden("olddefconfig", commands(Map.of()).olddefconfig());
    }

    @Test
    void listNewConfig() {
        golden("listnewconfig", commands(Map.of()).listNewConfig());
    }

    @Test
    void fullBuild() {
        golden("build-full", commands(Map.of()).build(
                List.of("bzImage", "modules", "scripts_gdb", "compile_commands.json")));
    }

    @Test
    void incrementalBuildIsModulesOnly() {
        golden("build-incremental", commands(Map.of()).build(List.of("modules")));
    }

    @Test
    void modulesInstall() {
        golden("modules-install", commands(Map.of()).modulesInstall(
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/modules/.install-123")));
    }

    /** kbuild's STRIP: binutils' strip, the cross prefix's, or llvm-strip with LLVM= (prefix and suffix forms). */
    @Test
    void stripDebugUsesTheStripKbuildWouldUse() {
        Path ko = Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/modules/6.1.192/kernel/fs/btrfs/.btrfs.ko.kimg-new");
        golden("strip-debug", commands(Map.of()).stripDebug(ko));
        golden("strip-debug-cross-arm64", new MakeCommands(TREE, BUILD, 2,
                MakeCommands.variables(Map.of(), false, Architecture.ARM64, Architecture.X86_64)).stripDebug(ko));
        assertEquals("llvm-strip", commands(Map.of("LLVM", "1")).stripProgram());
        assertEquals("llvm-strip", commands(Map.of("CC", "clang")).stripProgram());
        assertEquals("llvm-strip-15", commands(Map.of("LLVM", "-15")).stripProgram());
        assertEquals("/opt/llvm/bin/llvm-strip", commands(Map.of("LLVM", "/opt/llvm/bin/")).stripProgram());
        assertEquals("llvm-strip", new MakeCommands(TREE, BUILD, 2, MakeCommands.variables(Map.of("LLVM", "1"), false,
                Architecture.ARM64, Architecture.X86_64)).stripProgram(), "clang builds: no CROSS_COMPILE prefix");
    }

    @Test
    void depmodOverTheInstalledRelease() {
        golden("depmod", commands(Map.of()).depmod(
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/kernel/modules/.install-123"), "6.1.192"));
    }

    @Test
    void clangMeansLlvm() {
        golden("build-clang", commands(Map.of("CC", "clang")).build(List.of("bzImage")));
        assertEquals(commands(Map.of("CC", "clang")).variables(), commands(Map.of("LLVM", "1")).variables());
    }

    @Test
    void versionedClangIsPassedAsCc() {
        golden("build-clang-15", commands(Map.of("CC", "clang-15")).build(List.of("bzImage")));
    }

    @Test
    void otherCompilerIsPassedAsCc() {
        golden("build-gcc-12", commands(Map.of("CC", "gcc-12")).build(List.of("bzImage")));
    }

    @Test
    void ccacheWrapsTheCompiler() {
        var gcc = new MakeCommands(TREE, BUILD, 2,
                MakeCommands.variables(Map.of("CCACHE", "1"), true, Architecture.X86_64, Architecture.X86_64));
        golden("build-ccache", gcc.build(List.of("bzImage")));
        var clang = new MakeCommands(TREE, BUILD, 2,
                MakeCommands.variables(Map.of("CCACHE", "1", "LLVM", "1"), true, Architecture.X86_64, Architecture.X86_64));
        golden("build-ccache-clang", clang.build(List.of("bzImage")));
    }

    @Test
    void environmentLocalVersionAndBuildIdentityPassThrough() {
        golden("build-env", commands(Map.of("LOCALVERSION", "-dev", "KBUILD_BUILD_HOST", "box", "KCFLAGS", "-Og",
                "W", "1", "UNRELATED", "x")).build(List.of("bzImage")));
    }

    @Test
    void crossBuildSetsArchAndCrossCompile() {
        var cross = new MakeCommands(TREE, BUILD, 4,
                MakeCommands.variables(Map.of(), false, Architecture.ARM64, Architecture.X86_64));
        golden("build-cross-arm64", cross.build(List.of("Image", "modules")));
        // clang targets every architecture: ARCH= and LLVM=1, no CROSS_COMPILE.
        var llvm = new MakeCommands(TREE, BUILD, 4,
                MakeCommands.variables(Map.of("LLVM", "1"), false, Architecture.ARM64, Architecture.X86_64));
        golden("build-cross-arm64-llvm", llvm.build(List.of("Image", "modules")));
    }

    @Test
    void wantsCcache() {
        assertEquals(true, MakeCommands.wantsCcache(Map.of("CCACHE", "yes")));
        assertEquals(false, MakeCommands.wantsCcache(Map.of("CCACHE", "0")));
        assertEquals(false, MakeCommands.wantsCcache(Map.of()));
    }
}
