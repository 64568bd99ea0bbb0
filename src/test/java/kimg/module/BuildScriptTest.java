package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import kimg.Golden;
import org.junit.jupiter.api.Test;

class BuildScriptTest {
    private static BuildScript script(boolean network) {
        var env = new LinkedHashMap<String, String>();
        env.put("CC", "gcc");
        return new BuildScript(Path.of("/p/modules/btrfs-progs/mkosi.build.chroot"), Path.of("/src/btrfs-progs"),
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/btrfs-progs"),
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/btrfs-progs/destdir.new"),
                Path.of("/p/mkosi.builddir/debian~bookworm~x86-64/btrfs-progs/artifacts"), 3, env, network);
    }

    @Test
    void chrootScriptRunsInReadOnlyOverlayWithContractPaths() {
        Golden.assertArgv("module/build-script-chroot.argv",
                script(false).chrootArgv(Path.of("/p/mkosi.cache/overlay")));
    }

    @Test
    void withNetworkSharesResolvConfInsteadOfUnsharingTheNetwork() {
        Golden.assertArgv("module/build-script-chroot-network.argv",
                script(true).chrootArgv(Path.of("/p/mkosi.cache/overlay")));
    }

    @Test
    void hostScriptSeesHostPathsAndEnvironment() {
        Map<String, String> env = script(false).hostEnvironment();
        assertEquals("/src/btrfs-progs", env.get("SRCDIR"));
        assertEquals("/p/mkosi.builddir/debian~bookworm~x86-64/btrfs-progs", env.get("BUILDDIR"));
        assertEquals("/p/mkosi.builddir/debian~bookworm~x86-64/btrfs-progs/destdir.new", env.get("DESTDIR"));
        assertEquals("3", env.get("JOBS"));
        assertEquals("gcc", env.get("CC"));
        assertEquals("build", script(false).hostArgv().get(1));
    }
}
