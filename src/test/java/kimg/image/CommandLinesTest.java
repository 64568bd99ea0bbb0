package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.Golden;
import kimg.config.Config;
import org.junit.jupiter.api.Test;

/** Every command line the image stage runs, against golden files. */
class CommandLinesTest {
    private static final Path PROJECT = Path.of("/home/dev/project");

    private static RootfsSpec spec(Map<String, List<String>> values) {
        return RootfsSpec.finalTree(Config.ofValues(PROJECT, values));
    }

    @Test
    void mmdebstrapDefaultIsMinbaseBookwormWithKmodAndNoDocs() {
        Golden.assertArgv("image/mmdebstrap-default.argv",
                MmdebstrapCommand.argv(spec(Map.of()), Path.of("/cache/.kimg-tmp-x/root")));
    }

    @Test
    void mmdebstrapTakesMirrorComponentsPackagesAndDocs() {
        var v = new LinkedHashMap<String, List<String>>();
        v.put("Release", List.of("trixie"));
        v.put("Architecture", List.of("arm64"));
        v.put("Mirror", List.of("http://mirror.example/debian"));
        v.put("Repositories", List.of("contrib", "non-free", "main"));
        v.put("Packages", List.of("vim", "btrfs-progs", "kmod", "gdb"));
        v.put("WithDocs", List.of("true"));
        v.put("Ssh", List.of("true"));
        Golden.assertArgv("image/mmdebstrap-mirror.argv", MmdebstrapCommand.argv(spec(v), Path.of("/c/root")));
    }

    @Test
    void mmdebstrapForUbuntuUsesTheToolsDefaultMirror() {
        Golden.assertArgv("image/mmdebstrap-ubuntu.argv", MmdebstrapCommand.argv(
                spec(Map.of("Distribution", List.of("ubuntu"))), Path.of("/c/root")));
    }

    /**
     * Issue 11.2: Release= and Mirror= are mmdebstrap positionals, package names are dnf's: they come after "--",
     * so a value such as --customize-hook=CMD can never be read as an option. (Rejecting such values is the
     * settings table's job; this is the second line of defence.)
     */
    @Test
    void configValuesReachPackageManagersOnlyAfterDoubleDash() {
        var deb = MmdebstrapCommand.argv(new RootfsSpec("debian", "--customize-hook=touch /x", "x86-64", "--version",
                List.of(), List.of("kmod"), "minbase", false, "final", List.of(), Map.of()), Path.of("/c/root"));
        assertEquals(List.of("--", "--customize-hook=touch /x", "/c/root", "--version"),
                deb.subList(deb.indexOf("--"), deb.size()));
        // The settings table refuses a package named "-x"; build the spec directly to test the argv on its own.
        var rpm = DnfCommand.argv(new RootfsSpec("fedora", "41", "x86-64", "", List.of(), List.of("-x"), "minbase",
                false, "final", List.of(), Map.of()), Path.of("/r"), Path.of("/d"));
        assertTrue(rpm.indexOf("--") > rpm.indexOf("install") && rpm.indexOf("--") < rpm.indexOf("-x"), rpm::toString);
    }

    @Test
    void dnfForFedora() {
        var s = spec(Map.of("Distribution", List.of("fedora"), "Packages", List.of("gcc", "make")));
        Golden.assertArgv("image/dnf-fedora.argv", DnfCommand.argv(s, Path.of("/c/root"), Path.of("/c/dnf")));
        String repos = DnfCommand.repoFiles(s).get("fedora.repo");
        assertTrue(repos.contains("metalink=https://mirrors.fedoraproject.org/metalink?repo=fedora-$releasever"));
        assertTrue(repos.contains("[updates-testing]"));
        assertTrue(repos.contains("enabled=0"), "repositories are enabled on the command line only");
    }

    @Test
    void dnfForCentosStreamWithMirrorAndExtraRepositories() {
        var s = spec(Map.of("Distribution", List.of("centos"), "Repositories", List.of("crb", "epel"),
                "Mirror", List.of("https://mirror.example/centos-stream/"), "WithDocs", List.of("yes")));
        assertEquals("9", s.release());
        Golden.assertArgv("image/dnf-centos.argv", DnfCommand.argv(s, Path.of("/c/root"), Path.of("/c/dnf")));
        String repos = DnfCommand.repoFiles(s).get("centos.repo");
        assertTrue(repos.contains("baseurl=https://mirror.example/centos-stream/9-stream/BaseOS/$basearch/os/"),
                repos);
        assertTrue(DnfCommand.repoFiles(s).get("epel.repo").contains("[epel]"));
        assertTrue(DnfCommand.mainConfig().contains("skip_if_unavailable=False"));
    }

    @Test
    void tarCpioAndRepart() {
        Golden.assertArgv("image/tar.argv", OutputFormats.tarArgv(Path.of("/out/.kimg-staging-image/root"),
                Path.of("/out/.kimg-staging-image/image.tar")));
        Golden.assertArgv("image/cpio.argv", OutputFormats.cpioArgv(Path.of("/out/.kimg-staging-image/cpio-files"),
                Path.of("/out/.kimg-staging-image/image.cpio")));
        Golden.assertArgv("image/repart.argv", OutputFormats.repartArgv(Path.of("/home/dev/project/mkosi.repart"),
                Path.of("/out/.kimg-staging-image/root"), OutputFormats.diskSize(200L << 20),
                Path.of("/out/.kimg-staging-image/image.raw")));
    }

    @Test
    void outputNamesAndDiskSize() {
        assertEquals("image.tar", OutputFormats.archiveName("image", "tar"));
        assertEquals("image.cpio", OutputFormats.archiveName("image", "cpio"));
        assertEquals("image.raw", OutputFormats.archiveName("image", "disk"));
        assertNull(OutputFormats.archiveName("image", "directory"));
        assertNull(OutputFormats.archiveName("image", "none"));
        assertEquals((200 + 60 + 64) << 20, OutputFormats.diskSize(200L << 20));
        assertEquals(0, OutputFormats.diskSize(12345) % (1 << 20), "whole MiB");
    }

    @Test
    void postinstSandbox() {
        var layout = new LinkedHashMap<String, String>();
        layout.put("usr", "");
        layout.put("bin", "usr/bin");
        layout.put("lib", "usr/lib");
        layout.put("etc", "");
        Path helpers = Path.of("/out/.kimg-staging-image/scripts");
        Golden.assertArgv("image/postinst.argv", PostinstSandbox.argv(layout, Path.of("/home/dev/project/mkosi.postinst"),
                Path.of("/out/.kimg-staging-image/root"), PROJECT, Path.of("/out/.kimg-staging-image/outputs"),
                helpers, false, Map.of("CC", "clang")));
        Golden.assertArgv("image/postinst-chroot.argv", PostinstSandbox.argv(layout,
                Path.of("/home/dev/project/mkosi.postinst.chroot"), Path.of("/out/.kimg-staging-image/root"),
                PROJECT, Path.of("/out/.kimg-staging-image/outputs"), helpers, false, Map.of("CC", "clang")));
        Golden.assertArgv("image/mkosi-chroot.argv", PostinstSandbox.chrootArgv(false));
        List<String> withNetwork = PostinstSandbox.argv(layout, Path.of("/s"), Path.of("/r"), PROJECT,
                Path.of("/o"), helpers, true, Map.of());
        assertTrue(!withNetwork.contains("--unshare-net"), "WithNetwork=yes keeps the network");
    }

    @Test
    void treeCopy() {
        Golden.assertArgv("image/tree-copy.argv", TreeCopyCommand.argv(Path.of("/out/.kimg-staging-image/root"),
                Path.of("/home/dev/project/mkosi.extra"), "/"));
    }
}
