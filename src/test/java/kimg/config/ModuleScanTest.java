package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick scan for module names that gives {@code build} its {@code --<module>} flags before any config is
 * resolved (REFERENCE.md §7: every module found gets its flag).
 */
class ModuleScanTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    @Test
    void findsModulesIncludedFromAnywhereAndEveryModulesSubdirectoryButNotConfDOrLocalDirectories() {
        tree.file("mkosi.conf", "[Config]", "Include=extra/mine")
                .file("mkosi.local.conf", "[Config]", "Include=modules/kernel")
                .file("mkosi.local/mkosi.conf", "[Config]", "Include=../vendor/tool")
                .file("mkosi.conf.d/10-x.conf", "[Config]", "Include=shared/nested.conf")
                .file("shared/nested.conf", "[Config]", "Include=deep/mod")
                .file("extra/mine/mkosi.conf", "[Content]", "Packages=a")
                .file("vendor/tool/mkosi.conf", "[Content]", "Packages=b")
                .file("deep/mod/mkosi.conf", "[Content]", "Packages=c")
                .file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod")
                .file("modules/blktests/mkosi.conf", "[Content]", "Packages=fio")
                .file("mkosi.conf.d/20-fedora/mkosi.conf", "[Match]", "Distribution=fedora")
                .dir("modules/not-a-module");

        assertEquals(java.util.Set.of("mine", "kernel", "tool", "mod", "blktests"), ModuleScan.names(dir));
    }

    @Test
    void ignoresMatchAndNeverFails() {
        tree.file("mkosi.conf", "[Match]", "Distribution=fedora", "[Config]", "Include=modules/kernel")
                .file("mkosi.conf.d/10-broken.conf", "no section", "Include=../modules/x")
                .file("mkosi.conf.d/20-missing.conf", "[Config]", "Include=../nowhere %d.conf")
                .file("modules/kernel/mkosi.conf", "[Config]", "Include=../..");

        assertEquals(java.util.Set.of("kernel"), ModuleScan.names(dir));
    }
}
