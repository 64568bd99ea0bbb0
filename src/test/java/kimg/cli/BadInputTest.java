package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import kimg.config.ConfigTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configuration and bad usage: kimg exits 2 and prints one line naming the place (file:line) and the setting
 * or flag, never a stack trace. Each test runs kimg in-process with {@code -C} pointing at a small tree.
 */
class BadInputTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    private KimgRun summary(String... extra) {
        var args = new java.util.ArrayList<String>(java.util.List.of("-C", dir.toString()));
        args.addAll(java.util.List.of(extra));
        if (!args.contains("summary")) {
            args.add("summary");
        }
        return KimgRun.in(dir, args.toArray(String[]::new));
    }

    /** Exit 2, exactly one line on stderr containing every {@code expected} fragment, no stack trace. */
    private static void assertUsageError(KimgRun run, String... expected) {
        assertEquals(2, run.status(), run.toString());
        assertEquals(1, run.errLines().size(), run.toString());
        String line = run.errLines().get(0);
        assertTrue(line.startsWith("kimg: error: "), line);
        for (String e : expected) {
            assertTrue(line.contains(e), "'" + e + "' missing in: " + line);
        }
        assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.toString());
        assertEquals("", run.out(), run.toString());
    }

    // ---- bad configuration files ------------------------------------------------------------------------

    @Test
    void settingOutsideASection() {
        tree.file("mkosi.conf", "# no section yet", "Distribution=fedora");

        assertUsageError(summary(), tree.at("mkosi.conf", 2) + ":", "Distribution=", "outside a section");
    }

    @Test
    void lineWithoutEquals() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "strace");

        assertUsageError(summary(), tree.at("mkosi.conf", 3) + ":", "strace");
    }

    @Test
    void emptySectionName() {
        tree.file("mkosi.conf", "[]", "Packages=gcc");

        assertUsageError(summary(), tree.at("mkosi.conf", 1) + ":", "empty section name");
    }

    @Test
    void unterminatedSectionHeader() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "[Runtime");

        assertUsageError(summary(), tree.at("mkosi.conf", 3) + ":", "[Runtime");
    }

    @Test
    void badBoolean() {
        tree.file("mkosi.conf", "[Content]", "Autologin=maybe");

        assertUsageError(summary(), tree.at("mkosi.conf", 2) + ":", "Autologin=", "maybe");
    }

    @Test
    void badBooleanOnTheCommandLine() {
        tree.file("mkosi.conf", "[Content]", "Autologin=yes");

        assertUsageError(summary("--autologin=sometimes"), "command line", "Autologin=", "sometimes");
    }

    @Test
    void unknownDistribution() {
        tree.file("mkosi.local.conf", "[Distribution]", "Distribution=nosuch");

        assertUsageError(summary(), tree.at("mkosi.local.conf", 2) + ":", "Distribution=", "nosuch");
    }

    @Test
    void buildRefusesADistributionKimgCannotBuildBeforeAnyStep() {
        tree.file("mkosi.local.conf", "[Distribution]", "Distribution=arch");

        assertEquals(0, summary().status(), "summary takes every value mkosi takes");
        assertUsageError(KimgRun.in(dir, "-C", dir.toString(), "build"), tree.at("mkosi.local.conf", 2) + ":",
                "Distribution=", "arch");
        tree.file("mkosi.local.conf", "[Distribution]", "Distribution=debian");
        assertUsageError(KimgRun.in(dir, "-C", dir.toString(), "-t", "uki", "build"), "command line", "Format=",
                "uki");
    }

    @Test
    void aFlavorWithoutItsFragmentsIsRefusedByEveryVerbBeforeAnyStep() throws Exception {
        tree.file("mkosi.local.conf", "[Build]", "Flavor=kvm");

        for (String verb : java.util.List.of("summary", "build", "package", "run")) {
            assertUsageError(KimgRun.in(dir, "-C", dir.toString(), verb), tree.at("mkosi.local.conf", 2) + ":",
                    "Flavor=", "no kconfig fragments (*.config) in " + dir.resolve("mkosi.flavors/kvm"));
        }
        java.nio.file.Files.createDirectories(dir.resolve("mkosi.flavors/kvm"));
        java.nio.file.Files.writeString(dir.resolve("mkosi.flavors/kvm/kvm.config"), "CONFIG_KVM_GUEST=y\n");
        assertEquals(0, summary().status(), summary().toString());
    }

    @Test
    void qemuRefusesAFirmwareKimgCannotBoot() {
        tree.file("mkosi.local.conf", "[Runtime]", "Firmware=uefi");

        assertEquals(0, summary().status());
        assertUsageError(KimgRun.in(dir, "-C", dir.toString(), "qemu"), tree.at("mkosi.local.conf", 2) + ":",
                "Firmware=", "uefi");
    }

    @Test
    void releaseThatLooksLikeAnOptionIsRefusedBySummary() {
        tree.file("mkosi.local.conf", "[Distribution]", "Release=--customize-hook=id");

        assertUsageError(summary(), tree.at("mkosi.local.conf", 2) + ":", "Release=", "--customize-hook=id");
        assertUsageError(summary("--release=x/../../tmp/y"), "Release=");
    }

    @Test
    void unknownDistributionFlag() {
        assertUsageError(summary("-d", "gentoo"), "Distribution=", "gentoo");
    }

    @Test
    void missingIncludePath() {
        tree.file("mkosi.local.conf", "[Config]", "Include=modules/kernel");

        assertUsageError(summary(), tree.at("mkosi.local.conf", 2) + ":", "Include=", "modules/kernel");
    }

    @Test
    void includeCycle() {
        tree.file("mkosi.conf", "[Config]", "Include=modules/a")
                .file("modules/a/mkosi.conf", "[Config]", "Include=../b")
                .file("modules/b/mkosi.conf", "[Content]", "Packages=b", "[Config]", "Include=../a");

        assertUsageError(summary(), tree.at("modules/b/mkosi.conf", 4) + ":", "Include=", "cycle");
    }

    @Test
    void buildSourcesSourceThatDoesNotExist() {
        tree.file("mkosi.local.conf", "[Build]", "BuildSources=../linux:kernel");

        assertUsageError(summary(), tree.at("mkosi.local.conf", 2) + ":", "BuildSources=",
                dir.getParent().resolve("linux").toString());
    }

    // ---- bad command lines ------------------------------------------------------------------------------

    @Test
    void badJobs() {
        assertUsageError(summary("-j", "lots"), "--jobs", "lots");
        assertUsageError(summary("--jobs=0"), "--jobs", "0");
    }

    @Test
    void negativeJobs() {
        assertUsageError(summary("-j", "-1"), "--jobs", "-1");
    }

    @Test
    void missingKernelConfigFile() {
        assertUsageError(KimgRun.in(dir, "-C", dir.toString(), "build", "-c", "nope.config"), "--config",
                "nope.config");
    }

    @Test
    void settingFlagWithoutItsValue() {
        assertUsageError(summary("--ram"), "--ram");
    }

    @Test
    void unknownVerb() {
        assertUsageError(KimgRun.in(dir, "-C", dir.toString(), "frobnicate"), "frobnicate");
    }

    @Test
    void unknownFlag() {
        assertUsageError(summary("--frobnicate"), "--frobnicate");
    }

    @Test
    void unknownModuleFlag() {
        assertUsageError(KimgRun.in(dir, "-C", dir.toString(), "build", "--kernel"), "--kernel");
    }

    @Test
    void badDirectory() {
        assertUsageError(KimgRun.in(dir, "-C", "no-such-dir", "summary"), "-C", "no-such-dir");
    }

    // ---- warnings are not errors --------------------------------------------------------------------------

    @Test
    void unknownSettingIsAWarningWithFileAndLineAndIsIgnored() {
        tree.file("mkosi.conf", "[Content]", "Packages=gcc", "Pakages=make", "[Runtime]", "RAM=3G");

        KimgRun run = summary();

        assertEquals(0, run.status(), run.toString());
        String all = run.out() + run.err();
        assertTrue(all.contains("warning: " + tree.at("mkosi.conf", 3) + ": unknown setting Pakages="), all);
        assertTrue(run.out().contains("3G"), run.out());
        assertFalse(run.out().contains("make"), run.out());
    }
}
