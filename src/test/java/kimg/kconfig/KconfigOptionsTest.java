package kimg.kconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.Golden;
import org.junit.jupiter.api.Test;

class KconfigOptionsTest {
    @Test
    void setValuesBecomeFragmentLinesWithThePrefixAddedWhenLeftOut() {
        KconfigOptions o = KconfigOptions.parse(List.of("--set", "CONFIG_BTRFS_FS=m", "KASAN=y", "CONFIG_X=n",
                "CONFIG_LOG_BUF_SHIFT=18", "CONFIG_CMDLINE=\"quiet splash\""));
        assertNull(o.frontEnd());
        assertEquals(Map.of("CONFIG_BTRFS_FS", "m", "CONFIG_KASAN", "y", "CONFIG_X", "n", "CONFIG_LOG_BUF_SHIFT", "18",
                "CONFIG_CMDLINE", "\"quiet splash\""), o.sets());
        assertEquals(List.of("CONFIG_BTRFS_FS=m", "CONFIG_KASAN=y", "# CONFIG_X is not set", "CONFIG_LOG_BUF_SHIFT=18",
                "CONFIG_CMDLINE=\"quiet splash\""), o.fragmentLines());
        assertEquals("nconfig", KconfigOptions.parse(List.of("nconfig")).frontEnd());
    }

    @Test
    void compileCommandsRunsTheTreesGeneratorOverTheBuildDirectory() {
        Path tree = Path.of("/home/dev/linux");
        Path build = Path.of("/home/dev/project/mkosi.builddir/debian~bookworm~x86-64/kernel/6.1.0-kimg");
        Golden.assertArgv("module/gen-compile-commands.argv", EditorSupport.compileCommandsArgv(tree, build));
        assertEquals("CompileFlags: {CompilationDatabase: \"" + build + "\", Remove: [-mpreferred-stack-boundary=*,"
                + " -fno-allow-store-data-races, -fconserve-stack, -ftrivial-auto-var-init=zero, -mindirect-branch=*,"
                + " -mindirect-branch-register, -mfunction-return=*, -fzero-call-used-regs=*, -mrecord-mcount,"
                + " -mharden-sls=*, -fmin-function-alignment=*, -fno-ipa-sra]}", EditorSupport.clangdLine(build));
    }
}
