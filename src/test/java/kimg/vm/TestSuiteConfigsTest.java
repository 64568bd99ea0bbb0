package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.Golden;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.DriveLayout;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated fstests local.config and blktests config (goldens in src/test/resources/vm/). */
class TestSuiteConfigsTest {
    private static Config twoDrives(String... more) {
        var drives = new java.util.ArrayList<>(List.of("scratch:1G", "test:1G"));
        drives.addAll(List.of(more));
        return config(values(Map.entry("Drives", drives),
                Map.entry("QemuArgs", List.of("-device", "nvme,serial=nv,drive=nv"))));
    }

    @Test
    void fstestsLocalConfigNamesTheTestAndScratchDrivesByIdWhateverTheirOrder() {
        Config c = VmFixtures.withModules(twoDrives("nv:1G", "extra:1G"), "fstests", "btrfs-progs");
        Golden.assertText("vm/fstests-local.config",
                TestSuiteConfigs.fstestsLocalConfig(DriveLayout.of(c), TestSuiteConfigs.fstyp(c)).orElseThrow());
    }

    @Test
    void blktestsConfigListsEveryDriveKimgAttachesInGuestOrder() {
        Golden.assertText("vm/blktests-config",
                TestSuiteConfigs.blktestsConfig(DriveLayout.of(twoDrives("nv:1G", "extra:1G"))).orElseThrow());
    }

    @Test
    void withoutTestOrScratchIdsTheFirstTwoDrivesAreTestAndScratch() {
        Config c = config(values(Map.entry("Drives", List.of("a:1G", "b:1G", "c:1G"))));
        String text = TestSuiteConfigs.fstestsLocalConfig(DriveLayout.of(c), "xfs").orElseThrow();
        assertTrue(text.contains("export TEST_DEV=/dev/vda    # Drives=a\n"), text);
        assertTrue(text.contains("export SCRATCH_DEV=/dev/vdb    # Drives=b\n"), text);
    }

    @Test
    void noDrivesNoConfig() {
        assertTrue(TestSuiteConfigs.fstestsLocalConfig(DriveLayout.of(config(Map.of())), "ext4").isEmpty());
        assertTrue(TestSuiteConfigs.blktestsConfig(DriveLayout.of(config(Map.of()))).isEmpty());
    }

    @Test
    void fstypComesFromEnvironmentThenTheToolsModuleThenExt4() {
        assertEquals("ext4", TestSuiteConfigs.fstyp(config(Map.of())));
        assertEquals("xfs", TestSuiteConfigs.fstyp(VmFixtures.withModules(config(Map.of()), "fstests", "xfsprogs")));
        assertEquals("f2fs", TestSuiteConfigs.fstyp(VmFixtures.withModules(
                config(values(Map.entry("Environment", List.of("FSTYP=f2fs")))), "btrfs-progs")));
        // local.config is sourced by a shell: FSTYP is a name, never a command.
        var e = assertThrows(ConfigError.class, () -> TestSuiteConfigs.fstyp(
                config(values(Map.entry("Environment", List.of("FSTYP=ext4;reboot"))))));
        assertTrue(e.getMessage().contains("FSTYP"), e.getMessage());
    }

    @Test
    void writesIntoTheInstalledSuitesAndKeepsAFileTheUserShipped(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve(TestSuiteConfigs.FSTESTS_HOME));
        Files.createDirectories(root.resolve(TestSuiteConfigs.BLKTESTS_HOME));
        Path own = root.resolve(TestSuiteConfigs.BLKTESTS_HOME).resolve("config");
        Files.writeString(own, "TEST_DEVS=(/dev/nvme0n1)\n");
        Config c = VmFixtures.withModules(twoDrives(), "fstests", "blktests");
        var console = Console.forTerminal(false, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));

        TestSuiteConfigs.write(c, DriveLayout.of(c), root, console);
        String local = Files.readString(root.resolve(TestSuiteConfigs.FSTESTS_HOME).resolve("local.config"));
        assertTrue(local.startsWith(TestSuiteConfigs.MARKER), local);
        assertTrue(Files.isDirectory(root.resolve("mnt/test")) && Files.isDirectory(root.resolve("mnt/scratch")));
        assertEquals("TEST_DEVS=(/dev/nvme0n1)\n", Files.readString(own));

        // kimg's own file is rewritten from the current Drives=.
        Config one = VmFixtures.withModules(config(values(Map.entry("Drives", List.of("test:1G")))), "fstests");
        TestSuiteConfigs.write(one, DriveLayout.of(one), root, console);
        String again = Files.readString(root.resolve(TestSuiteConfigs.FSTESTS_HOME).resolve("local.config"));
        assertTrue(!again.contains("SCRATCH_DEV") && again.contains("TEST_DEV=/dev/vda"), again);
    }
}
