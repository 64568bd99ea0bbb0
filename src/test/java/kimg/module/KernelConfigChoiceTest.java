package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelConfigChoiceTest {
    @TempDir
    Path root;

    Path project;
    Path tree;

    @BeforeEach
    void setUp() throws Exception {
        project = Files.createDirectories(root.resolve("project"));
        tree = Files.createDirectories(root.resolve("linux"));
        Files.writeString(project.resolve("mkosi.kernel.config"), "CONFIG_PROJECT=y\n");
    }

    private Config config(String... environment) {
        return Config.ofValues(project, environment.length == 0 ? Map.of()
                : Map.of("Environment", List.of(environment)));
    }

    @Test
    void projectDefaultWhenNothingElse() {
        var c = KernelConfigChoice.choose(config(), (Path) null, tree);
        assertEquals(project.resolve("mkosi.kernel.config"), c.file());
        assertEquals("project", c.chosenBy());
    }

    @Test
    void kernelTreeFileBeatsTheProjectDefault() throws Exception {
        Files.writeString(tree.resolve("mkosi.kernel.config"), "CONFIG_TREE=y\n");
        var c = KernelConfigChoice.choose(config(), (Path) null, tree);
        assertEquals(tree.resolve("mkosi.kernel.config"), c.file());
        assertEquals("kernel tree", c.chosenBy());
    }

    @Test
    void theArchitecturesOwnFileBeatsTheGenericOneInTheSamePlace() throws Exception {
        Config arm64 = Config.ofValues(project, Map.of("Architecture", List.of("arm64")));
        Files.writeString(project.resolve("mkosi.kernel.arm64.config"), "CONFIG_PCI_HOST_GENERIC=y\n");
        assertEquals(project.resolve("mkosi.kernel.arm64.config"), KernelConfigChoice.choose(arm64, null, tree).file());
        // x86-64 keeps the generic file; an arm64 file does not apply to it.
        assertEquals(project.resolve("mkosi.kernel.config"), KernelConfigChoice.choose(config(), null, tree).file());
        // The kernel tree still beats the project: its generic file wins over the project's arm64 file, and its
        // own arm64 file over its generic one.
        Files.writeString(tree.resolve("mkosi.kernel.config"), "CONFIG_TREE=y\n");
        assertEquals(tree.resolve("mkosi.kernel.config"), KernelConfigChoice.choose(arm64, null, tree).file());
        Files.writeString(tree.resolve("mkosi.kernel.arm64.config"), "CONFIG_TREE_ARM64=y\n");
        var c = KernelConfigChoice.choose(arm64, null, tree);
        assertEquals(tree.resolve("mkosi.kernel.arm64.config"), c.file());
        assertEquals("kernel tree", c.chosenBy());
    }

    @Test
    void theShippedArm64ConfigStartsFromTinyconfigWithThePl011AndPciHostOfVirt() throws Exception {
        Path shipped = Path.of("mkosi.kernel.arm64.config").toAbsolutePath();
        Files.copy(shipped, project.resolve("mkosi.kernel.arm64.config"));
        var c = KernelConfigChoice.choose(Config.ofValues(project, Map.of("Architecture", List.of("arm64"))), null,
                tree);
        assertEquals(List.of("tinyconfig"), c.baseTargets());
        var values = KconfigValues.parse(c.lines());
        for (String symbol : List.of("CONFIG_SERIAL_AMBA_PL011_CONSOLE", "CONFIG_PCI_HOST_GENERIC", "CONFIG_VIRTIO_FS",
                "CONFIG_FUSE_FS", "CONFIG_VIRTIO_PCI", "CONFIG_DEVTMPFS", "CONFIG_MODULES")) {
            assertEquals("y", values.valueOf(symbol), symbol);
        }
    }

    @Test
    void environmentConfigIsRelativeToTheProjectAndBeatsTheTree() throws Exception {
        Files.writeString(tree.resolve("mkosi.kernel.config"), "CONFIG_TREE=y\n");
        Files.writeString(project.resolve("my.config"), "CONFIG_MINE=y\n");
        var c = KernelConfigChoice.choose(config("CONFIG=my.config"), (Path) null, tree);
        assertEquals(project.resolve("my.config"), c.file());
        assertEquals("Environment=CONFIG", c.chosenBy());
    }

    @Test
    void configFromMkosiEnvChoosesTheFileLikeEnvironment() throws Exception {
        // Issue 10 input 5: mkosi.env next to mkosi.conf holds CONFIG=x.config.
        Files.writeString(tree.resolve("mkosi.kernel.config"), "CONFIG_TREE=y\n");
        Files.writeString(project.resolve("mkosi.conf"), "[Build]\nBuildSources=../linux:kernel\n");
        Files.writeString(project.resolve("mkosi.env"), "CONFIG=x.config\n");
        Files.writeString(project.resolve("x.config"), "CONFIG_X=y\n");
        Config loaded = kimg.config.ConfigLoader.load(kimg.config.ConfigInput.of(project).forBuild(), Map.of());

        var c = KernelConfigChoice.choose(loaded, (Path) null, tree);

        assertEquals(project.resolve("x.config"), c.file());
        assertEquals("Environment=CONFIG", c.chosenBy());

        Files.delete(project.resolve("x.config"));
        ConfigError e = assertThrows(ConfigError.class,
                () -> KernelConfigChoice.choose(loaded, (Path) null, tree));
        assertEquals("EnvironmentFiles", e.setting());
        assertTrue(e.render().contains("mkosi.env"), e.render());
    }

    @Test
    void dashCBeatsEverything() throws Exception {
        Files.writeString(project.resolve("my.config"), "CONFIG_MINE=y\n");
        Path cli = Files.writeString(root.resolve("cli.config"), "CONFIG_CLI=y\n");
        var c = KernelConfigChoice.choose(config("CONFIG=my.config"),
                cli, tree);
        assertEquals(cli, c.file());
        assertEquals("-c", c.chosenBy());
    }

    @Test
    void missingChosenFileIsAConfigError() throws Exception {
        var e = assertThrows(ConfigError.class,
                () -> KernelConfigChoice.choose(config("CONFIG=nope.config"), (Path) null, tree));
        assertTrue(e.getMessage().contains("nope.config"), e.getMessage());
        Files.delete(project.resolve("mkosi.kernel.config"));
        assertThrows(ConfigError.class,
                () -> KernelConfigChoice.choose(config(), (Path) null, tree));
    }

    @Test
    void noConfigAnywhereSaysWhatKimgLookedForWholeForEachArchitecture() throws Exception {
        Files.delete(project.resolve("mkosi.kernel.config"));
        var x86 = assertThrows(ConfigError.class, () -> KernelConfigChoice.choose(config(), (Path) null, tree));
        assertEquals("no kernel config for x86-64: kimg looked for mkosi.kernel.x86-64.config, then"
                + " mkosi.kernel.config, in the kernel tree and then the project; add one, set Environment=CONFIG=FILE"
                + " or give -c FILE", x86.render());
        Config arm64 = Config.ofValues(project, Map.of("Architecture", List.of("arm64")));
        var arm = assertThrows(ConfigError.class, () -> KernelConfigChoice.choose(arm64, (Path) null, tree));
        assertEquals(arm.getMessage(), arm.render(), "printed whole, not cut");
        assertTrue(arm.render().startsWith("no kernel config for arm64: kimg looked for mkosi.kernel.arm64.config,"
                + " then mkosi.kernel.config,"), arm.render());
    }

    @Test
    void anX86ConfigForArm64IsRefusedNamingTheFileToAdd() throws Exception {
        Config arm64 = Config.ofValues(project, Map.of("Architecture", List.of("arm64")));
        // kimg's own x86-64 config, copied into a project: no CONFIG_X86 line, but x86's unwinder choice.
        Files.copy(Path.of("mkosi.kernel.config").toAbsolutePath(), project.resolve("mkosi.kernel.config"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        var e = assertThrows(ConfigError.class, () -> KernelConfigChoice.choose(arm64, (Path) null, tree));
        assertEquals("Architecture", e.setting());
        assertEquals("kernel config mkosi.kernel.config in the project sets CONFIG_UNWINDER_FRAME_POINTER=y, which"
                + " arm64 does not have: add mkosi.kernel.arm64.config to the project or the kernel tree, or give"
                + " -c FILE", e.getMessage());
        assertTrue(e.render().endsWith(e.getMessage()), e.render());
        Files.writeString(project.resolve("mkosi.kernel.config"), "CONFIG_X86_64=y\nCONFIG_PCI=y\n");
        assertThrows(ConfigError.class, () -> KernelConfigChoice.choose(arm64, (Path) null, tree));
        // The same file is x86-64's own; a generic fragment without x86 symbols still serves arm64.
        assertEquals(project.resolve("mkosi.kernel.config"), KernelConfigChoice.choose(config(), null, tree).file());
        Files.writeString(project.resolve("mkosi.kernel.config"), "# kimg: base=defconfig\nCONFIG_PCI=y\n");
        assertEquals(project.resolve("mkosi.kernel.config"), KernelConfigChoice.choose(arm64, null, tree).file());
        // The other way round: an arm64 config for x86-64.
        Files.writeString(project.resolve("mkosi.kernel.config"), "CONFIG_ARM64_VA_BITS_48=y\n");
        assertThrows(ConfigError.class, () -> KernelConfigChoice.choose(config(), (Path) null, tree));
    }

    @Test
    void wholeConfigHasNoBase() {
        var c = KernelConfigChoice.choose(config(), (Path) null, tree);
        assertEquals(List.of(), c.baseTargets());
    }

    @Test
    void firstLineDirectiveNamesTheBase() throws Exception {
        Files.writeString(project.resolve("mkosi.kernel.config"), "# kimg: base=defconfig kvm_guest.config\nCONFIG_A=y\n");
        var c = KernelConfigChoice.choose(config(), (Path) null, tree);
        assertEquals(List.of("defconfig", "kvm_guest.config"), c.baseTargets());
    }

    @Test
    void directiveBelowOtherLinesIsIgnored() throws Exception {
        Files.writeString(project.resolve("mkosi.kernel.config"), "CONFIG_A=y\n# kimg: base=tinyconfig\n");
        assertEquals(List.of(), KernelConfigChoice.choose(config(), (Path) null, tree).baseTargets());
    }

    @Test
    void environmentBaseOverridesTheDirective() throws Exception {
        Files.writeString(project.resolve("mkosi.kernel.config"), "# kimg: base=tinyconfig\n");
        assertEquals(List.of("allnoconfig"), KernelConfigChoice.choose(config("KCONFIG_BASE=allnoconfig"),
                (Path) null, tree).baseTargets());
        assertEquals(List.of(), KernelConfigChoice.choose(config("KCONFIG_BASE="),
                (Path) null, tree).baseTargets());
    }

    @Test
    void baseMustBeAConfigTarget() throws Exception {
        Files.writeString(project.resolve("mkosi.kernel.config"), "# kimg: base=tinyconfig clean\n");
        var e = assertThrows(ConfigError.class,
                () -> KernelConfigChoice.choose(config(), (Path) null, tree));
        assertTrue(e.getMessage().contains("'clean'"), e.getMessage());
    }
}
