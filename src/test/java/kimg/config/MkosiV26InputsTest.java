package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that real trees use and that kimg read differently from mkosi v26 before (issue 10), each with mkosi's
 * answer: every expectation here was checked by running mkosi v26 on the same tree
 * (/work/shared/oracle/mkosi-summary). Also the v26 features they rely on: profiles, a config kept in
 * {@code mkosi/}, [TriggerMatch], several [Match] sections, [Assert], EnvironmentFiles= and mkosi.env.
 */
class MkosiV26InputsTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
        tree.file("mkosi.conf", "[Distribution]", "Distribution=debian");
    }

    private boolean applied(Config c, String marker) {
        return c.list("Packages").contains(marker);
    }

    // ---- the five inputs of issue 10 -----------------------------------------------------------------------

    @Test
    void input1MatchOnADistributionKimgCannotBuildSkipsTheDropIn() {
        tree.file("mkosi.conf.d/20-arch.conf", "[Match]", "Distribution=|arch", "[Content]", "Packages=pacman");

        Config c = tree.load();

        assertFalse(applied(c, "pacman"));
        assertEquals("debian", c.get("Distribution"));
    }

    @Test
    void input2TriggerMatchSectionsAreOred() {
        tree.file("mkosi.conf.d/30-lts.conf", "[TriggerMatch]", "Distribution=debian", "Release=bookworm",
                "[TriggerMatch]", "Distribution=ubuntu", "Release=noble", "[Content]", "Packages=lts");

        assertTrue(applied(tree.load("Release=bookworm"), "lts"));
        assertTrue(applied(tree.load("Distribution=ubuntu", "Release=noble"), "lts"));
        assertFalse(applied(tree.load("Release=trixie"), "lts"));
        assertFalse(applied(tree.load("Distribution=ubuntu", "Release=bookworm"), "lts"),
                "conditions within one [TriggerMatch] section AND");
    }

    @Test
    void input3AtReleaseIsAnAssignmentWithAWarning() {
        tree.file("mkosi.conf", "[Distribution]", "Distribution=debian", "@Release=trixie");

        Config c = tree.load();

        assertEquals("trixie", c.get("Release"));
        assertEquals(tree.at("mkosi.conf", 3), c.origin("Release").toString());
        assertTrue(c.warnings().stream().anyMatch(w -> w.startsWith(tree.at("mkosi.conf", 3))
                && w.contains("The '@' specifier is deprecated")), c.warnings().toString());
    }

    @Test
    void input4AtIncludeIncludesWithAWarningAndAMissingPathIsAnError() {
        tree.file("mkosi.conf", "[Config]", "@Include=modules/kernel")
                .file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod");

        Config c = tree.load();

        assertTrue(applied(c, "kmod"));
        assertTrue(c.module("kernel").orElseThrow().enabled());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("please use Include instead of @Include")));

        tree.file("mkosi.conf", "[Config]", "@Include=modules/nope");
        ConfigError e = tree.loadFails();
        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
        assertTrue(e.getMessage().contains("modules/nope"), e.getMessage());
    }

    @Test
    void input5MkosiEnvIsAnEnvironmentFileAndEnvironmentWinsOnTheSameKey() {
        tree.file("mkosi.env", "CONFIG=x.config", "FROM_FILE=1")
                .file("mkosi.conf", "[Build]", "Environment=FROM_FILE=2");

        Config c = tree.load();

        assertEquals(List.of(tree.path("mkosi.env").toString()), c.list("EnvironmentFiles"));
        assertEquals(Map.of("CONFIG", "x.config", "FROM_FILE", "2"), c.environment());
    }

    // ---- the features behind them --------------------------------------------------------------------------

    @Test
    void environmentFilesAreReadInOrderBeforeEnvironment() {
        tree.file("a.env", "A=1", "B=a").file("b.env", "B=b")
                .file("mkosi.conf", "[Build]", "EnvironmentFiles=a.env", "EnvironmentFiles=b.env", "Environment=C=3");

        assertEquals(Map.of("A", "1", "B", "b", "C", "3"), tree.load().environment());
    }

    @Test
    void missingEnvironmentFileIsAnErrorAtItsLine() {
        tree.file("mkosi.conf", "[Build]", "EnvironmentFiles=nope.env");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf", 2), e.origin().toString());
        assertEquals("EnvironmentFiles", e.setting());
    }

    @Test
    void profilesAreReadAfterConfDAndAProfileWithABuildScriptIsAModule() {
        tree.file("mkosi.conf", "[Config]", "Profiles=kernel,extra")
                .file("mkosi.conf.d/10-late.conf", "[Content]", "Packages=conf-d")
                .file("mkosi.profiles/kernel/mkosi.conf", "[Content]", "Packages=from-kernel-profile")
                .file("mkosi.profiles/kernel/mkosi.build.chroot", "#!/bin/sh")
                .file("mkosi.profiles/extra.conf", "[Content]", "Packages=from-extra")
                .file("mkosi.profiles/unused/mkosi.conf", "[Content]", "Packages=unused")
                .file("mkosi.profiles/unused/mkosi.build", "#!/bin/sh");

        Config c = tree.load();

        assertEquals(List.of("conf-d", "from-kernel-profile", "from-extra"), c.list("Packages"));
        assertTrue(c.module("kernel").orElseThrow().enabled());
        assertFalse(c.module("unused").orElseThrow().enabled(), "known (for --unused), not enabled");
        assertTrue(c.module("extra").isEmpty(), "a .conf profile is not a module");
        assertEquals(java.util.Set.of("kernel", "unused"), ModuleScan.names(dir));
    }

    @Test
    void profilesFromTheCommandLineAndMatchOnProfiles() {
        tree.file("mkosi.profiles/kernel/mkosi.conf", "[Content]", "Packages=k")
                .file("mkosi.conf.d/10-with.conf", "[Match]", "Profiles=kernel", "[Content]", "Packages=with")
                .file("mkosi.conf.d/20-without.conf", "[Match]", "Profiles=", "[Content]", "Packages=without");

        assertEquals(List.of("without"), tree.load().list("Packages"), "an empty Profiles= matches no profile");
        assertEquals(List.of("with", "k"), tree.load("Profiles=kernel").list("Packages"));
    }

    @Test
    void configInAMkosiSubdirectory() {
        tree.file("mkosi.conf", "[Content]", "Packages=never read"); // replaced below: no mkosi.conf at the top
        java.nio.file.Path top = tree.path("mkosi.conf");
        try {
            java.nio.file.Files.delete(top);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        tree.file("mkosi/mkosi.conf", "[Content]", "Packages=sub", "ExtraTrees=tree", "KernelCommandLine=d=%D")
                .file("mkosi/mkosi.local.conf", "[Content]", "Packages=local")
                .dir("mkosi/tree");

        Config c = tree.load();

        assertEquals(List.of("sub", "local"), c.list("Packages"));
        assertEquals(List.of(tree.path("mkosi/tree").toString()), c.list("ExtraTrees"));
        assertEquals(List.of("d=" + dir), c.list("KernelCommandLine"), "%D is the -C directory, not mkosi/");
    }

    @Test
    void severalMatchSectionsMustAllHoldAndTriggersArePerSection() {
        tree.file("mkosi.conf.d/10-x.conf", "[Match]", "Distribution=|debian", "Distribution=|ubuntu", "[Match]",
                "Release=|bookworm", "Release=|noble", "[Content]", "Packages=hit");

        assertTrue(applied(tree.load(), "hit"));
        assertFalse(applied(tree.load("Release=trixie"), "hit"));
        assertFalse(applied(tree.load("Distribution=fedora", "Release=noble"), "hit"));
    }

    @Test
    void failedAssertStopsTheLoadNamingTheLine() {
        tree.file("mkosi.conf.d/10-x.conf", "[Content]", "Packages=a", "[Assert]", "Distribution=fedora");

        ConfigError e = tree.loadFails();

        assertEquals(tree.at("mkosi.conf.d/10-x.conf", 4), e.origin().toString());
        assertTrue(e.getMessage().contains("[Assert]"), e.getMessage());
        assertEquals(List.of("a"), tree.load("Distribution=fedora").list("Packages"));
    }

    @Test
    void triggerAssertNeedsOneSectionToHold() {
        tree.file("mkosi.conf.d/10-x.conf", "[TriggerAssert]", "Distribution=fedora", "[TriggerAssert]",
                "Distribution=centos");

        ConfigError e = tree.loadFails();

        assertTrue(e.getMessage().contains("[TriggerAssert]"), e.getMessage());
        assertEquals(tree.at("mkosi.conf.d/10-x.conf", 1), e.origin().toString());
        tree.load("Distribution=centos");
    }

    @Test
    void assertIsNotCheckedInAFileWhoseMatchFails() {
        tree.file("mkosi.conf.d/10-x.conf", "[Match]", "Distribution=fedora", "[Assert]", "Release=40");

        tree.load();
    }

    @Test
    void delayedBuildDirectorySpecifierInLinux() {
        tree.file("mkosi.conf", "[Runtime]", "Linux=&b/kernel/arch/x86_64/boot/bzImage");

        Config c = tree.load();

        assertEquals("&b/kernel/arch/x86_64/boot/bzImage", c.get("Linux"), "kept as written, like mkosi's summary");
        assertEquals(c.buildRoot().resolve("kernel/arch/x86_64/boot/bzImage"), c.linux().orElseThrow());
    }

    @Test
    void percentFIsTheDistributionsFileSystemAndPercentIIsTheImage() {
        tree.file("mkosi.conf", "[Content]", "Hostname=%F-%I");

        assertEquals("ext4-main", tree.load().get("Hostname"));
        assertEquals("btrfs-main", tree.load("Distribution=fedora").get("Hostname"));
        assertEquals("xfs-main", tree.load("Distribution=centos").get("Hostname"));
    }

    @Test
    void warningsGoToStderrAndSummaryJsonStdoutIsJsonOnly() throws Exception {
        tree.file("mkosi.conf", "[Distribution]", "@Release=trixie", "[Content]", "NoSuchSetting=1");
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();

        int status = kimg.Main.run(new String[] {"-C", dir.toString(), "summary", "--json"}, dir,
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

        assertEquals(0, status);
        String stdout = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(stdout); // throws unless the whole of it is JSON
        assertFalse(stdout.contains("warning:"), stdout);
        String stderr = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(stderr.contains("warning: " + tree.at("mkosi.conf", 2)), stderr);
        assertTrue(stderr.contains("warning: " + tree.at("mkosi.conf", 4)), stderr);
    }
}
