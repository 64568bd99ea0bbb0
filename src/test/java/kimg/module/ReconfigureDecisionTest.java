package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReconfigureDecisionTest {
    @TempDir
    Path dir;

    private KernelConfigStamp stamp(String configText, List<String> vars) throws Exception {
        Path f = dir.resolve("mkosi.kernel.config");
        Files.writeString(f, configText);
        return KernelConfigStamp.of(new KernelConfigChoice(f, "project", List.of("tinyconfig")), List.of(), vars);
    }

    @Test
    void missingDotConfigReconfigures() throws Exception {
        var s = stamp("CONFIG_A=y\n", List.of());
        var d = ReconfigureDecision.fromStamp(false, s, s);
        assertTrue(d.reconfigure());
        assertEquals("no .config yet", d.reason());
    }

    @Test
    void missingStampReconfigures() throws Exception {
        var d = ReconfigureDecision.fromStamp(true, null, stamp("CONFIG_A=y\n", List.of()));
        assertTrue(d.reconfigure());
    }

    @Test
    void unchangedInputsKeepTheConfig() throws Exception {
        var d = ReconfigureDecision.fromStamp(true, stamp("CONFIG_A=y\n", List.of("LLVM=1")),
                stamp("CONFIG_A=y\n", List.of("LLVM=1")));
        assertFalse(d.reconfigure());
    }

    @Test
    void changedConfigFileReconfiguresAndSaysWhich() throws Exception {
        var old = stamp("CONFIG_A=y\n", List.of());
        var d = ReconfigureDecision.fromStamp(true, old, stamp("CONFIG_A=m\n", List.of()));
        assertTrue(d.reconfigure());
        assertEquals("kernel config mkosi.kernel.config changed since the last configure", d.reason());
    }

    @Test
    void changedCompilerReconfigures() throws Exception {
        var d = ReconfigureDecision.fromStamp(true, stamp("CONFIG_A=y\n", List.of()),
                stamp("CONFIG_A=y\n", List.of("LLVM=1")));
        assertEquals("make variables changed since the last configure", d.reason());
    }

    @Test
    void buildIdentityAndLocalVersionDoNotReconfigure() throws Exception {
        var a = stamp("CONFIG_A=y\n", List.of("KBUILD_BUILD_HOST=a", "LOCALVERSION="));
        var b = stamp("CONFIG_A=y\n", List.of("KBUILD_BUILD_HOST=b", "LOCALVERSION=-x"));
        assertNull(b.changedSince(a));
    }

    @Test
    void theSameFileElsewhereDoesNotReconfigure() throws Exception {
        var a = stamp("CONFIG_A=y\n", List.of());
        Path other = java.nio.file.Files.createDirectories(dir.resolve("elsewhere")).resolve("mkosi.kernel.config");
        Files.writeString(other, "CONFIG_A=y\n");
        var b = KernelConfigStamp.of(new KernelConfigChoice(other, "project", List.of("tinyconfig")), List.of(), List.of());
        assertNull(b.changedSince(a));
    }

    @Test
    void stampRoundTripsThroughTheBuildDirectory() throws Exception {
        var s = stamp("CONFIG_A=y\n", List.of("LLVM=1"));
        s.write(dir);
        assertEquals(s, KernelConfigStamp.read(dir));
        KernelConfigStamp.delete(dir);
        assertNull(KernelConfigStamp.read(dir));
    }

    @Test
    void newSymbolsReconfigure() {
        assertFalse(ReconfigureDecision.fromNewSymbols(List.of()).reconfigure());
        assertFalse(ReconfigureDecision.fromNewSymbols(List.of("", "make[1]: Entering directory")).reconfigure());
        var d = ReconfigureDecision.fromNewSymbols(List.of("CONFIG_NEW_THING=y", "CONFIG_OTHER=n"));
        assertTrue(d.reconfigure());
        assertEquals("2 new kconfig symbol(s) in the tree (CONFIG_NEW_THING, CONFIG_OTHER)", d.reason());
    }

    @Test
    void kconfigFilesComeFromAutoConfCmd() {
        var lines = List.of("deps_config := \\", "\tDocumentation/Kconfig \\", "\tarch/x86/Kconfig \\",
                "\tKconfig", "", "include/config/auto.conf: $(deps_config)", "\tnot/this/Kconfig");
        assertEquals(List.of("Documentation/Kconfig", "arch/x86/Kconfig", "Kconfig"),
                ReconfigureDecision.kconfigFiles(lines));
    }

    @Test
    void listnewconfigIsNeededOnlyWhenAKconfigFileIsNewerThanAutoConf() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("linux"));
        Path build = Files.createDirectories(dir.resolve("build/include/config"));
        Path kconfig = Files.writeString(tree.resolve("Kconfig"), "config A\n");
        var t0 = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(kconfig, t0);
        assertFalse(ReconfigureDecision.kconfigUnchanged(tree, dir.resolve("build")), "no auto.conf.cmd yet");

        Files.writeString(build.resolve("auto.conf.cmd"), "deps_config := \\\n\tKconfig\n");
        Path autoConf = Files.writeString(build.resolve("auto.conf"), "CONFIG_A=y\n");
        Files.setLastModifiedTime(autoConf, java.nio.file.attribute.FileTime.fromMillis(t0.toMillis() + 1000));
        assertTrue(ReconfigureDecision.kconfigUnchanged(tree, dir.resolve("build")));

        Files.setLastModifiedTime(kconfig, java.nio.file.attribute.FileTime.fromMillis(t0.toMillis() + 2000));
        assertFalse(ReconfigureDecision.kconfigUnchanged(tree, dir.resolve("build")), "Kconfig edited");
        // A listnewconfig that found nothing, begun after the edit, counts like kbuild's own sync (a build that
        // reuses an identity runs no make); an edit after it began does not.
        ReconfigureDecision.recordNoNewSymbols(dir.resolve("build"),
                java.nio.file.attribute.FileTime.fromMillis(t0.toMillis() + 3000));
        assertTrue(ReconfigureDecision.kconfigUnchanged(tree, dir.resolve("build")), "checked after the edit");
        Files.setLastModifiedTime(kconfig, java.nio.file.attribute.FileTime.fromMillis(t0.toMillis() + 4000));
        assertFalse(ReconfigureDecision.kconfigUnchanged(tree, dir.resolve("build")), "edited after the check");
        Files.delete(kconfig);
        assertFalse(ReconfigureDecision.kconfigUnchanged(tree, dir.resolve("build")), "Kconfig removed");
    }
}
