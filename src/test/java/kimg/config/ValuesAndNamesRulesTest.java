package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 "Values and names": every value mkosi v26 accepts is accepted (what kimg cannot build is refused by
 * build and boot verbs only), old names map to today's setting with mkosi's warning, misspelt module targets and
 * missing includes are errors.
 */
class ValuesAndNamesRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir).file("mkosi.conf", "[Distribution]", "Distribution=debian");
    }

    /** Loads as {@code verb} does: summary takes every value, build refuses what it cannot build, qemu also
     * what it cannot boot. */
    private Config loadFor(String verb, String... commandLine) {
        ConfigInput input = ConfigInput.of(dir).withOverrides(ConfigTree.commandLine(commandLine));
        input = verb.equals("build") ? input.forBuild() : verb.equals("qemu") ? input.forBoot() : input;
        return ConfigLoader.load(input, ConfigTree.HOST);
    }

    // ---- every mkosi value is a value ---------------------------------------------------------------------

    @Test
    void everyMkosiDistributionIsAValueForSummary() {
        for (String d : List.of("fedora", "debian", "kali", "ubuntu", "postmarketos", "arch", "opensuse", "mageia",
                "centos", "rhel", "rhel-ubi", "openmandriva", "rocky", "alma", "azure", "custom")) {
            Config c = tree.load("Distribution=" + d);
            assertEquals(d, c.distribution());
            assertTrue(Summary.json(c).contains("\"" + d + "\""), d);
        }
        assertEquals("", tree.load("Distribution=custom").release(), "custom has no default release");
    }

    @Test
    void everyMkosiArchitectureIsAValueForSummary() {
        for (String a : List.of("alpha", "arc", "arm", "arm64", "ia64", "loongarch64", "mips-le", "mips64-le",
                "parisc", "ppc", "ppc64", "ppc64-le", "riscv32", "riscv64", "s390", "s390x", "tilegx", "x86",
                "x86-64")) {
            assertEquals(a, tree.load("Architecture=" + a).architecture().toString());
        }
    }

    @Test
    void everyMkosiFormatAndFirmwareIsAValue() {
        for (String f : List.of("confext", "cpio", "directory", "disk", "esp", "none", "portable", "sysext", "tar",
                "uki", "oci", "addon")) {
            assertEquals(f, tree.load("Format=" + f).format());
        }
        for (String f : List.of("auto", "linux", "linux-noinitrd", "uefi", "uefi-secure-boot", "bios")) {
            assertEquals(f, tree.load("Firmware=" + f).get(Settings.FIRMWARE));
        }
    }

    @Test
    void sshTakesMkosiV26Values() {
        assertEquals(Ssh.ALWAYS, tree.load("Ssh=always").get(Settings.SSH));
        assertEquals(Ssh.ALWAYS, tree.load("Ssh=yes").get(Settings.SSH));
        assertEquals(Ssh.NEVER, tree.load("Ssh=no").get(Settings.SSH));
        assertEquals(Ssh.RUNTIME, tree.load("Ssh=runtime").get(Settings.SSH));
        assertEquals(Ssh.AUTO, tree.load().get(Settings.SSH), "mkosi's default");
        assertFalse(tree.load().sshInImage(), "auto without openssh-server among Packages=");
        assertTrue(tree.load("Packages=openssh-server").sshInImage());
        assertTrue(tree.load("Ssh=runtime").sshAtRuntime());
        assertFalse(tree.load("Ssh=runtime").sshInImage());
    }

    @Test
    void aDistributionKimgCannotBuildIsFineInMatchAndSummary() {
        tree.file("mkosi.conf.d/10-arch.conf", "[Match]", "Distribution=|arch", "[Content]", "Packages=pacman");

        Config c = tree.load();
        assertFalse(c.items(Settings.PACKAGES).contains("pacman"), "the drop-in is skipped");
        assertEquals(List.of(), c.warnings());
    }

    @Test
    void buildRefusesADistributionItCannotBuildNamingFileAndLine() {
        tree.file("mkosi.local.conf", "[Distribution]", "Distribution=arch");

        assertEquals("arch", loadFor("summary").distribution());
        ConfigError e = assertThrows(ConfigError.class, () -> loadFor("build"));
        assertEquals("Distribution", e.setting());
        assertTrue(e.render().startsWith(tree.at("mkosi.local.conf", 2) + ": Distribution=: "), e.render());
    }

    @Test
    void buildRefusesAFormatItCannotWrite() {
        tree.file("mkosi.local.conf", "[Output]", "Format=uki");

        assertEquals("uki", loadFor("summary").format());
        assertEquals("Format", assertThrows(ConfigError.class, () -> loadFor("build")).setting());
    }

    @Test
    void bootVerbsRefuseWhatKimgCannotBootButBuildTakesIt() {
        tree.file("mkosi.local.conf", "[Distribution]", "Architecture=arm64", "[Runtime]", "Firmware=uefi");

        loadFor("build");
        loadFor("summary");
        ConfigError e = assertThrows(ConfigError.class, () -> loadFor("qemu"));
        assertTrue(List.of("Architecture", "Firmware").contains(e.setting()), e.render());
        assertThrows(ConfigError.class, () -> loadFor("build", "Architecture=riscv64"));
    }

    @Test
    void matchArchitectureUefiMatchesArchitecturesWithUefi() {
        tree.file("mkosi.conf.d/10-uefi.conf", "[Match]", "Architecture=uefi", "[Content]", "Packages=efi");

        assertTrue(tree.load().items(Settings.PACKAGES).contains("efi"), "x86-64 has UEFI");
        assertTrue(tree.load("Architecture=arm64").items(Settings.PACKAGES).contains("efi"));
        assertFalse(tree.load("Architecture=s390x").items(Settings.PACKAGES).contains("efi"));
    }

    @Test
    void matchImageVersionComparesVersions() {
        tree.file("mkosi.conf.d/10-new.conf", "[Match]", "ImageVersion=>=1.10", "[Content]", "Packages=new");

        assertTrue(tree.load("ImageVersion=1.10").items(Settings.PACKAGES).contains("new"));
        assertTrue(tree.load("ImageVersion=1.10.1").items(Settings.PACKAGES).contains("new"));
        assertFalse(tree.load("ImageVersion=1.9").items(Settings.PACKAGES).contains("new"));
        assertFalse(tree.load().items(Settings.PACKAGES).contains("new"), "no version matches nothing");
    }

    @Test
    void matchImageIdTakesGlobs() {
        tree.file("mkosi.conf.d/10-id.conf", "[Match]", "ImageId=dev-*", "[Content]", "Packages=dev");

        assertTrue(tree.load("ImageId=dev-kernel").items(Settings.PACKAGES).contains("dev"));
        assertFalse(tree.load("ImageId=prod").items(Settings.PACKAGES).contains("dev"));
    }

    // ---- old names ----------------------------------------------------------------------------------------

    @Test
    void oldQemuNamesMapToTodaysSettingWithMkosisWarning() {
        tree.file("mkosi.conf", "[Host]", "QemuMem=4G", "QemuSmp=3", "QemuKvm=no", "QemuFirmware=linux",
                "QemuKernel=mkosi.conf");

        Config c = tree.load();
        assertEquals(4L << 30, c.get(Settings.RAM).bytes());
        assertEquals(3, c.get(Settings.CPUS));
        assertEquals("no", c.get(Settings.KVM));
        assertEquals("linux", c.get(Settings.FIRMWARE));
        assertEquals(dir.resolve("mkosi.conf"), c.get(Settings.LINUX));
        assertTrue(c.warnings().contains(tree.at("mkosi.conf", 2)
                + ": Setting QemuMem is deprecated, please use RAM instead."), c.warnings().toString());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("QemuKernel is deprecated, please use Linux")));
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("[Runtime], not [Host]")), "[Host] is old");
    }

    @Test
    void oldNamesWorkInMatchToo() {
        tree.file("mkosi.conf.d/10-a.conf", "[Match]", "Profile=x", "[Content]", "Packages=p");

        Config c = tree.load("Profiles=x");
        assertTrue(c.items(Settings.PACKAGES).contains("p"));
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("Profile is deprecated")), c.warnings().toString());
    }

    // ---- unknown settings, module targets, includes --------------------------------------------------------

    @Test
    void unknownSettingWarnsWithFileAndLineAndIsIgnored() {
        tree.file("mkosi.conf", "[Content]", "Pakages=vim");

        Config c = tree.load();
        assertEquals(List.of(tree.at("mkosi.conf", 2) + ": unknown setting Pakages=, ignored"), c.warnings());
    }

    @Test
    void buildSourcesTargetNamingNoModuleIsAnError() {
        tree.dir("src/linux").file("mkosi.local.conf", "[Build]", "BuildSources=src/linux:kernal");

        ConfigError e = tree.loadFails();
        assertEquals("BuildSources", e.setting());
        assertTrue(e.render().startsWith(tree.at("mkosi.local.conf", 2) + ":"), e.render());
        assertTrue(e.getMessage().contains("'kernal'"), e.getMessage());
    }

    @Test
    void buildSourcesTargetMayNameKernelAModuleOrAnUnmatchedOne() {
        tree.dir("src/linux").dir("src/b").file("modules/btrfs-progs/mkosi.conf", "[Match]", "Distribution=fedora")
                .file("mkosi.local.conf", "[Config]", "Include=modules/btrfs-progs", "[Build]",
                        "BuildSources=src/linux:kernel,src/b:btrfs-progs,src/b:/btrfs-progs,src/b");

        Config c = tree.load();
        assertEquals(List.of("kernel", "btrfs-progs", "btrfs-progs", ""),
                c.buildSources().stream().map(BuildSource::target).toList());
    }

    @Test
    void atIncludeIsIncludeWithAWarningAndAMissingPathIsAnError() {
        tree.file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod")
                .file("mkosi.local.conf", "[Config]", "@Include=modules/kernel");

        Config c = tree.load();
        assertTrue(c.module("kernel").map(ModuleDef::enabled).orElse(false), "the kernel module is included");
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("@Include")), c.warnings().toString());

        tree.file("mkosi.local.conf", "[Config]", "@Include=modules/kernal");
        ConfigError e = tree.loadFails();
        assertTrue(e.render().startsWith(tree.at("mkosi.local.conf", 2) + ":"), e.render());
    }
}
