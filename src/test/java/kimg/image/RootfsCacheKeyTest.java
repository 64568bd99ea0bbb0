package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import org.junit.jupiter.api.Test;

/** The cache key holds exactly the package manager's inputs: each one changes it, nothing else does. */
class RootfsCacheKeyTest {
    private static final Map<String, List<String>> BASE = Map.of(
            "Distribution", List.of("debian"), "Release", List.of("bookworm"), "Packages", List.of("vim", "gdb"));

    private static String key(Map<String, List<String>> changes) {
        var v = new LinkedHashMap<>(BASE);
        v.putAll(changes);
        return RootfsCacheKey.of(RootfsSpec.finalTree(Config.ofValues(Path.of("/p"), v))).hash();
    }

    @Test
    void sameInputsSameKeyWhateverThePackageOrderOrDuplicates() {
        assertEquals(key(Map.of()), key(Map.of("Packages", List.of("gdb", "vim", "gdb"))));
        assertEquals(key(Map.of()), key(Map.of("Packages", List.of("gdb", "vim", "kmod"))),
                "kmod is always in the set");
    }

    @Test
    void everyPackageManagerInputChangesTheKey() {
        String base = key(Map.of());
        for (var change : List.of(
                Map.of("Distribution", List.of("ubuntu")),
                Map.of("Release", List.of("trixie")),
                Map.of("Architecture", List.of("arm64")),
                Map.of("Mirror", List.of("http://mirror.example/debian")),
                Map.of("Repositories", List.of("contrib")),
                Map.of("Packages", List.of("vim")),
                Map.of("WithDocs", List.of("true")),
                Map.of("Ssh", List.of("true")),
                Map.of("Environment", List.of("INITRD=Yes")))) {
            assertNotEquals(base, key(change), change.toString());
        }
    }

    @Test
    void outputStageSettingsDoNotChangeTheKey() {
        String base = key(Map.of());
        for (var change : List.of(
                Map.of("Format", List.of("tar")),
                Map.of("Output", List.of("other")),
                Map.of("Hostname", List.of("box")),
                Map.of("Autologin", List.of("true")),
                Map.of("BuildPackages", List.of("gcc")),
                Map.of("KernelCommandLine", List.of("quiet")),
                Map.of("OutputDirectory", List.of("/elsewhere")),
                Map.of("Environment", List.of("DEBUG=1")))) {
            assertEquals(base, key(change), change.toString());
        }
    }

    @Test
    void buildOverlayHasItsOwnKeyWithBuildPackages() {
        Config c = Config.ofValues(Path.of("/p"), Map.of("Packages", List.of("vim"), "BuildPackages", List.of("gcc")));
        RootfsCacheKey image = RootfsCacheKey.of(RootfsSpec.finalTree(c));
        RootfsCacheKey build = RootfsCacheKey.of(RootfsSpec.buildTree(c));
        assertNotEquals(image.hash(), build.hash());
        assertTrue(build.spec().packages().containsAll(List.of("gcc", "vim", "kmod")));
        assertTrue(!image.spec().packages().contains("gcc"), "BuildPackages never reach the image");
        assertTrue(build.entryName().startsWith("debian~bookworm~x86-64~build~"));
        assertTrue(image.entryName().matches("debian~bookworm~x86-64~final~[0-9a-f]{16}"));
    }

    @Test
    void inputsAreReadableLines() {
        var key = RootfsCacheKey.of(RootfsSpec.finalTree(Config.ofValues(Path.of("/p"), BASE)));
        assertEquals(List.of("kimg-rootfs-format=1", "purpose=final", "variant=minbase", "Distribution=debian",
                "Release=bookworm", "Architecture=x86-64", "Repositories=", "Mirror=", "Ssh=auto", "WithDocs=false",
                "env:INITRD=No", "packages=gdb,kmod,vim"), key.inputs());
        assertEquals(64, key.hash().length());
    }

    /** mkosi v26 installer/apt.py: INITRD=No unless the config's environment says otherwise. */
    @Test
    void distributionInitramfsIsSkippedUnlessEnvironmentAsksForIt() {
        var plain = RootfsSpec.finalTree(Config.ofValues(Path.of("/p"), BASE));
        assertEquals(Map.of("INITRD", "No"), plain.environment());
        var v = new LinkedHashMap<>(BASE);
        v.put("Environment", List.of("INITRD=Yes", "DEBUG=1"));
        var asked = RootfsSpec.buildTree(Config.ofValues(Path.of("/p"), v));
        assertEquals(Map.of("INITRD", "Yes"), asked.environment(), "only INITRD reaches the package manager");
    }
}
