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
        for (String ok : new String[] {"", "0", "1", "-16", "-16.0", "/usr/lib/llvm-16/bin/"}) {
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
    void aLocalVersionWithASlashIsRefused() {
        var tree = new ConfigTree(dir).file("mkosi.conf", "[Build]", "Environment=LOCALVERSION=-../../x");
        ConfigError e = assertThrows(ConfigError.class, () -> KernelMakeEnvironment.check(tree.load()));
        assertTrue(e.render().contains("LOCALVERSION='-../../x' has whitespace, '/'"), e.render());
    }

    @Test
    void anLlvmDirectoryMustHoldClang() throws Exception {
        var tree = new ConfigTree(dir).file("mkosi.conf", "[Build]", "Environment=LLVM=/nonexistent/");
        ConfigError e = assertThrows(ConfigError.class, () -> KernelMakeEnvironment.check(tree.load()));
        assertTrue(e.render().contains("mkosi.conf:2: Environment=: LLVM=/nonexistent/ names a toolchain directory"
                + " without an executable clang"), e.render());
        java.nio.file.Path bin = java.nio.file.Files.createDirectories(dir.resolve("llvm/bin"));
        java.nio.file.Files.writeString(bin.resolve("clang"), "#!/bin/sh\n");
        bin.resolve("clang").toFile().setExecutable(true);
        KernelMakeEnvironment.check(new ConfigTree(dir).file("mkosi.conf", "[Build]", "Environment=LLVM=" + bin + "/")
                .load());
        ConfigError relative = assertThrows(ConfigError.class, () -> KernelMakeEnvironment.check(new ConfigTree(dir)
                .file("mkosi.conf", "[Build]", "Environment=LLVM=llvm/bin/").load()));
        assertTrue(relative.render().contains("must be an absolute path"), relative.render());
    }

    @Test
    void theUsualValuesPass() {
        KernelMakeEnvironment.check(new ConfigTree(dir).file("mkosi.conf", "[Build]",
                "Environment=LLVM=-16 LOCALVERSION=-clang CC=clang-16").load());
        KernelMakeEnvironment.check(new ConfigTree(dir).file("mkosi.conf", "[Build]").load());
    }
}
