package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE.md §5: specifiers. One test per specifier. */
class SpecifierRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    private String toolsTreeFrom(String value, String... commandLine) {
        tree.file("mkosi.conf", "[Build]", "ToolsTree=" + value);
        return tree.load(commandLine).get("ToolsTree");
    }

    @Test
    void percentDIsTheDistribution() {
        assertEquals("vm-fedora", toolsTreeFrom("vm-%d", "Distribution=fedora"));
    }

    @Test
    void percentRIsTheRelease() {
        assertEquals("vm-bookworm", toolsTreeFrom("vm-%r"));
        assertEquals("vm-9", toolsTreeFrom("vm-%r", "Distribution=centos"), "the default follows Distribution=");
    }

    @Test
    void percentAIsTheArchitecture() {
        assertEquals("vm-arm64", toolsTreeFrom("vm-%a", "Architecture=arm64"));
    }

    @Test
    void percentTIsTheFormat() {
        assertEquals("vm-directory", toolsTreeFrom("vm-%t"));
        assertEquals("vm-tar", toolsTreeFrom("vm-%t", "Format=tar"));
    }

    @Test
    void percentLowerOIsTheOutputName() {
        assertEquals("image", toolsTreeFrom("%o"));
        assertEquals("rootfs", toolsTreeFrom("%o", "Output=rootfs"));
    }

    @Test
    void percentUpperOIsTheOutputDirectory() {
        assertEquals(tree.path("mkosi.output").toString(), toolsTreeFrom("%O"));
        tree.file("mkosi.conf", "[Output]", "OutputDirectory=out", "[Build]", "ToolsTree=%O");
        assertEquals(tree.path("out").toString(), tree.load().get("ToolsTree"));
    }

    @Test
    void percentCIsTheDirectoryOfTheCurrentConfigFile() {
        tree.file("mkosi.conf", "[Config]", "Include=conf/sub.conf", "[Content]", "Packages=%C")
                .file("conf/sub.conf", "[Content]", "Packages=%C/x");

        assertEquals(List.of(tree.path("conf") + "/x", tree.root.toString()), tree.load().list("Packages"));
    }

    @Test
    void percentPIsTheWorkingDirectory() {
        tree.file("mkosi.conf.d/10-x.conf", "[Content]", "Packages=%P");

        assertEquals(List.of(tree.root.toString()), tree.load().list("Packages"));
    }

    @Test
    void percentUpperDIsTheDirectoryKimgWasStartedFor(@TempDir Path start) {
        // mkosi v26: %D is args.directory, the -C directory (the current one without -C), not the process's cwd.
        tree.file("mkosi.conf", "[Content]", "Packages=%D");

        assertEquals(List.of(tree.root.toString()), tree.loadFrom(start).list("Packages"));
    }

    @Test
    void percentPercentIsAPercentSign() {
        assertEquals("100%d", toolsTreeFrom("100%%d"));
    }

    @Test
    void unknownSpecifierIsAnErrorAtFileAndLine() {
        tree.file("mkosi.conf", "[Build]", "ToolsTree=%q");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
        assertEquals("ToolsTree", e.setting());
        assertTrue(e.getMessage().contains("%q"), e.getMessage());
    }

    @Test
    void specifiersSeeTheValueResolvedSoFar() {
        tree.file("mkosi.conf", "[Content]", "Packages=early-%d", "[Distribution]", "Distribution=fedora",
                "[Content]", "Packages=late-%d");

        assertEquals(List.of("early-debian", "late-fedora"), tree.load().list("Packages"));
    }

    @Test
    void commandLineSpecifiersSeeTheCommandLinesOwnValues() {
        // ConfigInput.overrides is an unordered map: try several key sets so that any hash order is exercised.
        for (String other : List.of("Packages=x", "RAM=3G", "CPUs=3", "Ssh=yes", "Mirror=https://m.example/", "QemuArgs=-s")) {
            Config c = tree.load("ToolsTree=%d-%r-%a-%t-%o", other, "Distribution=fedora", "Release=40",
                    "Architecture=arm64", "Format=tar", "Output=img-%d");

            assertEquals("fedora-40-arm64-tar-img-fedora", c.get("ToolsTree"), other);
        }
    }

    @Test
    void specifiersAreExpandedInIncludeAndMatch() {
        tree.file("mkosi.conf", "[Config]", "Include=%d.conf")
                .file("fedora.conf", "[Match]", "Distribution=%d", "PathExists=%C/fedora.conf", "[Content]",
                        "Packages=fedora-include");

        assertEquals(List.of("fedora-include"), tree.load("Distribution=fedora").list("Packages"));
    }
}
