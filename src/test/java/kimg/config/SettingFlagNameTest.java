package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Every setting is also a {@code --kebab-case} flag (REFERENCE.md §7); the name is derived from the row. */
class SettingFlagNameTest {
    @ParameterizedTest(name = "{0} → --{1}")
    @CsvSource({
        "BuildSources, build-sources",
        "RAM, ram",
        "CPUs, cpus",
        "KVM, kvm",
        "QemuArgs, qemu-args",
        "KernelCommandLineExtra, kernel-command-line-extra",
        "KernelCommandLine, kernel-command-line",
        "RuntimeBuildSources, runtime-build-sources",
        "OutputDirectory, output-directory",
        "WithDocs, with-docs",
        "GdbPort, gdb-port",
        "Distribution, distribution",
        "QEMUArgs, qemu-args",
        "ToolsTree, tools-tree",
    })
    void kebabCaseName(String name, String flag) {
        assertEquals(flag, Setting.kebab(name));
    }

    @Test
    void everySettingHasItsOwnFlagAndIsFoundByIt() {
        var flags = new HashSet<String>();
        for (Setting s : Settings.all()) {
            assertTrue(flags.add(s.flag()), "duplicate flag --" + s.flag());
            assertEquals(s, Settings.byFlag(s.flag()).orElseThrow());
        }
    }
}
