package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kimg's own project tree (the repository root, where Maven runs the tests) resolves without errors or warnings,
 * for each distribution it ships a conf.d file for, and offers every module in modules/.
 */
class RepositoryTreeTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    private static Config load(String... commandLine) {
        return ConfigLoader.load(ConfigInput.of(ROOT).withOverrides(ConfigTree.commandLine(commandLine)),
                ConfigTree.HOST);
    }

    @Test
    void repositoryRootIsTheProject() {
        assertTrue(Files.isRegularFile(ROOT.resolve("pom.xml")), "tests run from the repository root");
        assertTrue(Files.isRegularFile(ROOT.resolve("mkosi.conf")));
    }

    @Test
    void resolvesToADebianBookwormDirectoryImage() {
        Config c = load();

        assertEquals(List.of(), c.warnings());
        assertEquals("debian", c.distribution());
        assertEquals("bookworm", c.release());
        assertEquals(Architecture.X86_64, c.architecture());
        assertEquals("directory", c.format());
        assertEquals("true", c.get(Settings.RUNTIME_BUILD_SOURCES));
        assertTrue(c.get(Settings.AUTOLOGIN));
        assertTrue(c.list("Packages").containsAll(List.of("kmod", "procps", "iproute2")), c.list("Packages").toString());
        assertEquals(ROOT.resolve("mkosi.builddir/debian~bookworm~x86-64/kernel"), c.moduleBuildDirectory("kernel"));
    }

    @Test
    void everyDistributionResolves() {
        assertTrue(load("Distribution=fedora").list("Packages").contains("procps-ng"));
        Config centos = load("Distribution=centos");
        assertEquals("9", centos.release());
        assertEquals(List.of(), centos.warnings());
    }

    @Test
    void everyUpstreamModuleIsFoundIncludingBlktests() {
        List<String> names = load().modules().stream().map(ModuleDef::name).toList();

        assertTrue(names.containsAll(List.of("kernel", "btrfs-progs", "fstests", "ltp", "blktests", "bpfilter")),
                names.toString());
    }
}
