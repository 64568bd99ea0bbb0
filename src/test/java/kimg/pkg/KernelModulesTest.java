package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.config.ConfigTree;
import kimg.config.ModuleDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which modules kimg package treats as out-of-tree kernel modules: KernelModule= in the module, else a Kbuild file. */
class KernelModulesTest {
    @TempDir
    Path dir;

    private static List<String> names(Config c) {
        return KernelModules.of(c).stream().map(ModuleDef::name).toList();
    }

    /** A project including each named module directory. */
    private ConfigTree project(String... modules) {
        var lines = new java.util.ArrayList<>(List.of("[Config]"));
        for (String m : modules) {
            lines.add("Include=modules/" + m);
        }
        return new ConfigTree(dir).file("mkosi.conf", lines.toArray(String[]::new));
    }

    @Test
    void aKbuildFileOrKernelModuleYesMarksAKernelModule() {
        ConfigTree t = project("by-kbuild", "by-setting", "userspace")
                .file("modules/by-kbuild/mkosi.conf", "[Content]", "Packages=kmod")
                .file("modules/by-kbuild/Kbuild", "obj-m := a.o")
                // Kbuild reads a Makefile when there is no Kbuild file: declared, it is a kernel module.
                .file("modules/by-setting/mkosi.conf", "[Build]", "KernelModule=yes")
                .file("modules/by-setting/Makefile", "obj-m := b.o")
                .file("modules/userspace/mkosi.conf", "[Content]", "Packages=less")
                .file("modules/userspace/Makefile", "all:");
        assertEquals(List.of("by-kbuild", "by-setting"), names(t.load()));
    }

    @Test
    void kernelModuleNoOverridesTheKbuildFileAndTheModulesLastValueCounts() {
        ConfigTree t = project("opted-out", "changed-mind")
                .file("modules/opted-out/mkosi.conf", "[Build]", "KernelModule=no")
                .file("modules/opted-out/Kbuild", "obj-m := a.o")
                .file("modules/changed-mind/mkosi.conf", "[Build]", "KernelModule=no")
                .file("modules/changed-mind/mkosi.conf.d/10-kmod.conf", "[Build]", "KernelModule=yes")
                .file("modules/changed-mind/Kbuild", "obj-m := b.o");
        // One module's value does not leak into the other's, although both land in the one settings list.
        assertEquals(List.of("changed-mind"), names(t.load()));
    }

    @Test
    void kernelModuleYesWithoutKbuildOrMakefileNamesTheLine() {
        ConfigTree t = project("empty")
                .file("modules/empty/mkosi.conf", "# no sources yet", "[Build]", "KernelModule=yes");
        ConfigError e = assertThrows(ConfigError.class, () -> KernelModules.of(t.load()));
        assertTrue(e.render().startsWith(t.at("modules/empty/mkosi.conf", 3) + ": KernelModule=: yes, but "),
                e.render());
        assertTrue(e.render().contains("neither a Kbuild file nor a Makefile"), e.render());
    }

    @Test
    void kernelModuleOutsideAModuleDirectoryIsAnError() {
        ConfigTree t = project().file("mkosi.conf", "[Build]", "KernelModule=yes");
        ConfigError e = assertThrows(ConfigError.class, () -> KernelModules.of(t.load()));
        assertTrue(e.render().startsWith(t.at("mkosi.conf", 2) + ": KernelModule=: belongs in a module's own"),
                e.render());
        ConfigError cli = assertThrows(ConfigError.class, () -> KernelModules.of(project().load("KernelModule=yes")));
        assertEquals("KernelModule", cli.setting());
    }

    @Test
    void theShippedDemoModuleDeclaresItself() {
        Path root = Path.of("").toAbsolutePath();
        Config c = ConfigLoader.load(ConfigInput.of(root).withOverrides(
                ConfigTree.commandLine("Include=modules/kimg-demo")), ConfigTree.HOST);
        assertEquals(List.of("kimg-demo"), names(c));
        assertEquals(List.of("true"), c.list("KernelModule"));
        assertTrue(c.values("KernelModule").get(0).origin().file().endsWith("modules/kimg-demo/mkosi.conf"));
    }
}
