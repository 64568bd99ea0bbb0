package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import kimg.config.ConfigError;
import kimg.config.ConfigTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LLVM= and LOCALVERSION= from Environment=, refused before any step when make would misread them. */
class KernelMakeEnvironmentTest {
    @TempDir
    Path dir;

    @Test
    void llvmTakesOneADirectoryOrAVersionSuffix() {
        for (String ok : new String[] {"", "0", "1", "-16", "-16.0", "/usr/lib/llvm-16/bin/", "../llvm/bin/"}) {
            assertTrue(KernelMakeEnvironment.llvmValue(ok), ok);
        }
        for (String bad : new String[] {"1,LOCALVERSION=-clang", "yes", "2", "/usr/lib/llvm-16/bin", "-", "1 "}) {
            assertFalse(KernelMakeEnvironment.llvmValue(bad), bad);
        }
    }

    @Test
    void aCommaJoinedEnvironmentIsRefusedAtItsLine() {
        var tree = new ConfigTree(dir).file("mkosi.conf", "[Build]", "Environment=CCACHE=0",
                "Environment=LLVM=1,LOCALVERSION=-clang");
        ConfigError e = assertThrows(ConfigError.class, () -> KernelMakeEnvironment.check(tree.load()));
        assertTrue(e.render().contains("mkosi.conf:3"), e.render());
        assertTrue(e.render().contains("Environment=: "), e.render());
        assertTrue(e.getMessage().contains("LLVM='1,LOCALVERSION=-clang' is not an LLVM= value"), e.getMessage());
        assertEquals("Environment", e.setting());
    }

    @Test
    void aLocalVersionWithASpaceIsRefused() {
        var tree = new ConfigTree(dir).file("mkosi.conf", "[Build]", "Environment=\"LOCALVERSION=-my kernel\"");
        ConfigError e = assertThrows(ConfigError.class, () -> KernelMakeEnvironment.check(tree.load()));
        assertTrue(e.render().contains("mkosi.conf:2"), e.render());
        assertTrue(e.getMessage().contains("LOCALVERSION='-my kernel' has whitespace"), e.getMessage());
    }

    @Test
    void theUsualValuesPass() {
        KernelMakeEnvironment.check(new ConfigTree(dir).file("mkosi.conf", "[Build]",
                "Environment=LLVM=-16 LOCALVERSION=-clang CC=clang-16").load());
        KernelMakeEnvironment.check(new ConfigTree(dir).file("mkosi.conf", "[Build]").load());
    }
}
