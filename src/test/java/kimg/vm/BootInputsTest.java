package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.image;
import static kimg.vm.VmFixtures.kernel;
import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import org.junit.jupiter.api.Test;

class BootInputsTest {
    @Test
    void rootTreeIsTheFirstShareWithTagRoot() {
        BootInputs in = BootInputs.from(config(Map.of()), kernel(), image());
        assertEquals(new Share("root", image().root(), "/", false, Share.Cache.AUTO), in.shares().get(0));
        assertEquals(List.of(), in.mounts());
    }

    @Test
    void runtimeTreeWithoutDestinationGoesUnderRootSrc() {
        BootInputs in = BootInputs.from(config(values(Map.entry("RuntimeTrees", List.of("/home/dev/data")))),
                kernel(), image());
        Share s = in.mounts().get(0);
        assertEquals("/root/src/data", s.guestPath());
        assertEquals(Path.of("/home/dev/data"), s.hostDir());
        assertEquals(false, s.readOnly());
    }

    @Test
    void runtimeTreeReadOnlyWithAndWithoutDestination() {
        BootInputs in = BootInputs.from(config(values(Map.entry("RuntimeTrees",
                List.of("/home/dev/a:/mnt/a:ro", "/home/dev/b:ro", "/home/dev/c:/mnt/c")))), kernel(), image());
        assertEquals(List.of("/mnt/a", "/root/src/b", "/mnt/c"),
                in.mounts().stream().map(Share::guestPath).toList());
        assertEquals(List.of(true, true, false), in.mounts().stream().map(Share::readOnly).toList());
    }

    @Test
    void runtimeTreesAreNeverCachedByTheGuest() {
        BootInputs in = BootInputs.from(config(values(Map.entry("RuntimeTrees", List.of("/home/dev/a")))),
                kernel(), image());
        assertEquals(Share.Cache.NEVER, in.mounts().get(0).cache());
    }

    @Test
    void relativeGuestPathIsUnderRootSrcAsInMkosi() {
        Config c = config(values(Map.entry("RuntimeTrees", List.of("/home/dev/a:mnt/a"))));
        assertEquals("/root/src/mnt/a", BootInputs.from(c, kernel(), image()).mounts().get(0).guestPath());
    }

    @Test
    void twoSharesAtOneGuestPathIsAConfigError() {
        Config c = config(values(Map.entry("RuntimeTrees", List.of("/x/data", "/y/data"))));
        assertThrows(ConfigError.class, () -> BootInputs.from(c, kernel(), image()));
    }

    @Test
    void runtimeBuildSourcesSharesSourcesAndBuildDirectories() {
        Config c = VmFixtures.withModules(config(values(
                Map.entry("BuildSources", List.of("/home/dev/linux:kernel", "/home/dev/ltp:ltp")),
                Map.entry("RuntimeBuildSources", List.of("true")))), "kernel", "ltp");
        BootInputs in = BootInputs.from(c, kernel(), image());
        assertEquals(List.of("/work/src/kernel", "/work/src/ltp", "/work/build/kernel", "/work/build/ltp"),
                in.mounts().stream().map(Share::guestPath).toList());
        Share kernelBuild = in.mounts().get(2);
        assertEquals(c.moduleBuildDirectory("kernel"), kernelBuild.hostDir());
        // The guest binds /work/build/kernel/modules onto /usr/lib/modules: it must be the kernel's modulesRoot.
        assertEquals(kernel().modulesRoot(), kernelBuild.hostDir().resolve("modules"));
        assertTrue(in.mounts().stream().allMatch(s -> s.cache() == Share.Cache.NEVER));
    }

    /** Issue 11.3: the host runs make in these trees, so the guest gets them read-only unless told rw. */
    @Test
    void buildSharesAreReadOnlyUnlessRuntimeBuildSourcesIsRw() {
        for (String value : List.of("true", "rw")) {
            Config c = VmFixtures.withModules(config(values(
                    Map.entry("BuildSources", List.of("/home/dev/linux:kernel")),
                    Map.entry("RuntimeBuildSources", List.of(value)))), "kernel");
            List<Share> mounts = BootInputs.from(c, kernel(), image()).mounts();
            assertEquals(2, mounts.size());
            assertTrue(mounts.stream().allMatch(s -> s.readOnly() == value.equals("true")), value + ": " + mounts);
        }
        Config root = config(values(Map.entry("RuntimeTrees", List.of("/srv/data:/data:ro", "/srv/rw:/rw"))));
        assertEquals(List.of(true, false),
                BootInputs.from(root, kernel(), image()).mounts().stream().map(Share::readOnly).toList());
    }

    @Test
    void runtimeBuildSourcesRwIsAcceptedByTheSettingsRow() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("kimg-rbs");
        try {
            java.nio.file.Files.writeString(dir.resolve("mkosi.conf"), "[Runtime]\nRuntimeBuildSources=rw\n");
            Config c = kimg.config.ConfigLoader.load(kimg.config.ConfigInput.of(dir));
            assertEquals("rw", c.get("RuntimeBuildSources"));
        } finally {
            kimg.fs.FileTrees.deleteRecursively(dir);
        }
    }

    @Test
    void withoutRuntimeBuildSourcesNothingUnderWork() {
        Config c = config(values(Map.entry("BuildSources", List.of("/home/dev/linux:kernel"))));
        assertEquals(List.of(), BootInputs.from(c, kernel(), image()).mounts());
    }

    @Test
    void builtKernelIsBootedWithItsDebugInfo() {
        BootInputs in = BootInputs.from(config(Map.of()), kernel(), image());
        assertEquals(kernel().bzImage(), in.kernel());
        assertNull(in.initrd());
        assertEquals(kernel().vmlinux(), in.vmlinux());
        assertEquals(kernel().sourceTree(), in.kernelSource());
    }

    @Test
    void withoutKernelSourcesTheDistributionKernelAndInitrdBoot() {
        BootInputs in = BootInputs.from(config(Map.of()), null, VmFixtures.imageWithDistroKernel());
        assertEquals(VmFixtures.imageWithDistroKernel().distroKernel(), in.kernel());
        assertEquals(VmFixtures.imageWithDistroKernel().distroInitrd(), in.initrd());
        assertNull(in.vmlinux());
    }

    @Test
    void linuxSettingWinsOverTheBuiltKernel() {
        Config c = config(values(Map.entry("Linux", List.of("/boot/vmlinuz-test"))));
        BootInputs in = BootInputs.from(c, kernel(), image());
        assertEquals(Path.of("/boot/vmlinuz-test"), in.kernel());
        assertNull(in.vmlinux());
    }

    @Test
    void anImageWithoutATreeIsAConfigError() {
        var none = new kimg.image.ImageArtifacts(null, null, "none", "", false, null, null, Map.of());
        var e = assertThrows(ConfigError.class, () -> BootInputs.from(config(Map.of()), kernel(), none));
        assertEquals("Format", e.setting());
    }

    @Test
    void nothingToBootIsAConfigError() {
        assertThrows(ConfigError.class, () -> BootInputs.from(config(Map.of()), null, image()));
    }

    @Test
    void firmwareOtherThanDirectBootIsAConfigError() {
        // Refused by the config stage for boot verbs (Settings.FIRMWARE's limit), before anything is built.
        Config c = config(values(Map.entry("Firmware", List.of("uefi"))));
        var e = assertThrows(ConfigError.class, () -> c.checkUsable(kimg.config.Setting.Use.BOOT));
        assertEquals("Firmware", e.setting());
    }

    @Test
    void longModuleNamesGetANumberedTag() {
        String name = "a-module-with-a-name-far-too-long-for-a-tag";
        Config c = VmFixtures.withModules(config(values(Map.entry("RuntimeBuildSources", List.of("true")),
                Map.entry("BuildSources", List.of("/home/dev/m:" + name)))), name);
        BootInputs in = BootInputs.from(c, null, VmFixtures.imageWithDistroKernel());
        assertEquals("src-0", in.mounts().get(0).tag());
        assertEquals("build-1", in.mounts().get(1).tag());
        assertEquals("/work/build/" + name, in.mounts().get(1).guestPath());
    }

    @Test
    void aModuleWithoutASourceHasNoBuildDirectoryToShare() {
        Config c = VmFixtures.withModules(config(values(Map.entry("RuntimeBuildSources", List.of("true")))), "ltp");
        BootInputs in = BootInputs.from(c, null, VmFixtures.imageWithDistroKernel());
        assertEquals(List.of(), in.mounts());
    }
}
