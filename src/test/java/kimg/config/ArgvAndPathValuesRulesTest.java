package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 2: every value that lands in another program's argv or in a path is checked by its row's parser
 * when the configuration is read, so that {@code summary} already refuses it (exit 2, file:line) and no later
 * stage can be handed an option or a path that leaves its directory.
 */
class ArgvAndPathValuesRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir).file("mkosi.conf", "[Distribution]", "Distribution=debian");
    }

    private void refusedInFile(String section, String assignment, String setting) {
        tree.file("mkosi.local.conf", "[" + section + "]", assignment);
        ConfigError e = tree.loadFails();
        assertEquals(setting, e.setting(), e.render());
        assertTrue(e.render().startsWith(tree.at("mkosi.local.conf", 2) + ": " + setting + "=: "), e.render());
    }

    @Test
    void releaseCannotBecomeAnMmdebstrapOption() {
        refusedInFile("Distribution", "Release=--customize-hook=touch /tmp/pwned", "Release");
        refusedInFile("Distribution", "Release=--version", "Release");
        assertEquals("Release", tree.loadFails("Release=-x").setting());
    }

    @Test
    void releaseCannotMoveTheBuildDirectory() {
        refusedInFile("Distribution", "Release=x/../../tmp/y", "Release");
        refusedInFile("Distribution", "Release=..", "Release");
    }

    @Test
    void releaseNamesOfEveryDistributionAreAccepted() {
        for (String r : List.of("bookworm", "trixie", "noble", "41", "rawhide", "9", "10", "3.0", "kali-rolling",
                "tumbleweed", "edge", "rolling")) {
            assertEquals(r, tree.load("Release=" + r).release());
        }
    }

    @Test
    void mirrorCannotBecomeAnOption() {
        refusedInFile("Distribution", "Mirror=--customize-hook=id", "Mirror");
        refusedInFile("Distribution", "Mirror=deb.debian.org/debian", "Mirror");
        tree.file("mkosi.local.conf", "[Content]");
        assertEquals("http://deb.debian.org/debian", tree.load("Mirror=http://deb.debian.org/debian")
                .get(Settings.MIRROR));
    }

    @Test
    void packageCannotBecomeAnOption() {
        refusedInFile("Content", "Packages=vim --allow-downgrades", "Packages");
        refusedInFile("Content", "BuildPackages=-y", "BuildPackages");
    }

    @Test
    void repositoryCannotBecomeAnOption() {
        refusedInFile("Distribution", "Repositories=--setopt=x", "Repositories");
    }

    @Test
    void outputIsAPlainFileName() {
        refusedInFile("Output", "Output=../linux", "Output");
        refusedInFile("Output", "Output=.hidden", "Output");
        refusedInFile("Output", "Output=-rf", "Output");
    }

    @Test
    void hostnameIsCheckedBySummaryNotAtImageTime() {
        refusedInFile("Content", "Hostname=not a valid/host", "Hostname");
    }

    @Test
    void imageIdAndImageVersionCannotHoldPaths() {
        refusedInFile("Output", "ImageId=../x", "ImageId");
        refusedInFile("Output", "ImageVersion=1/2", "ImageVersion");
    }

    @Test
    void buildSourcesTargetIsAModuleNameNotAPath() {
        tree.dir("src");
        refusedInFile("Build", "BuildSources=src:../../etc", "BuildSources");
    }

    @Test
    void runtimeTreeTargetCannotBreakTheKernelCommandLine() {
        tree.dir("t");
        refusedInFile("Runtime", "RuntimeTrees=t:/mnt/a,b", "RuntimeTrees");
        refusedInFile("Runtime", "RuntimeTrees=t:/mnt/a b", "RuntimeTrees");
    }

    @Test
    void sizesAndCountsAreChecked() {
        refusedInFile("Runtime", "RAM=-1G", "RAM");
        refusedInFile("Runtime", "RAM=99999999999T", "RAM");
        refusedInFile("Runtime", "CPUs=0", "CPUs");
    }
}
