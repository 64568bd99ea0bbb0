package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE.md §3 (what [Match] sees) and §4 ([Match]). One test per rule, one per matcher. */
class MatchRulesTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir);
    }

    /** A conf.d file that adds {@code Packages=hit} when its [Match] lines hold. */
    private ConfigTree probe(String... matchLines) {
        var lines = new java.util.ArrayList<String>();
        lines.add("[Match]");
        lines.addAll(List.of(matchLines));
        lines.add("[Content]");
        lines.add("Packages=hit");
        return tree.file("mkosi.conf.d/50-probe.conf", lines.toArray(String[]::new));
    }

    private boolean hit(String... commandLine) {
        return tree.load(commandLine).list("Packages").contains("hit");
    }

    // ---- the rules ---------------------------------------------------------------------------------------

    @Test
    void matchDecidesWhetherTheRestOfTheFileApplies() {
        tree.file("mkosi.conf.d/50-fedora.conf", "[Content]", "Packages=before-match", "[Match]",
                "Distribution=fedora", "[Runtime]", "RAM=9G");

        Config debian = tree.load();
        Config fedora = tree.load("Distribution=fedora");

        assertEquals(List.of(), debian.list("Packages"), "a [Match] anywhere in the file gates all of it");
        assertTrue(debian.isDefault("RAM"));
        assertEquals(List.of("before-match"), fedora.list("Packages"));
        assertEquals("9G", fedora.get("RAM"));
    }

    @Test
    void matchInMkosiConfGatesWholeDirectory() {
        tree.file("mkosi.conf.d/20-fedora/mkosi.conf", "[Match]", "Distribution=fedora", "[Runtime]", "RAM=9G")
                .file("mkosi.conf.d/20-fedora/mkosi.conf.d/10-pkgs.conf", "[Content]", "Packages=dnf")
                .file("mkosi.conf.d/20-fedora/mkosi.conf.d/20-sub/mkosi.conf", "[Content]", "Packages=sub");

        Config debian = tree.load("Distribution=debian");
        Config fedora = tree.load("Distribution=fedora");

        assertEquals(List.of(), debian.list("Packages"));
        assertTrue(debian.isDefault("RAM"));
        assertEquals(List.of("dnf", "sub"), fedora.list("Packages"));
    }

    @Test
    void matchInAnIncludedModuleGatesTheModuleAndMarksItDisabled() {
        tree.file("mkosi.conf", "[Config]", "Include=modules/fedora-only")
                .file("modules/fedora-only/mkosi.conf", "[Match]", "Distribution=fedora", "[Content]",
                        "Packages=hit")
                .file("modules/fedora-only/mkosi.conf.d/10-x.conf", "[Content]", "Packages=hit2");

        Config debian = tree.load();

        assertEquals(List.of(), debian.list("Packages"));
        assertFalse(debian.module("fedora-only").orElseThrow().enabled());
        assertTrue(tree.load("Distribution=fedora").module("fedora-only").orElseThrow().enabled());
    }

    @Test
    void matchConditionsInOneSectionAreAnded() {
        probe("Distribution=fedora", "Release=40");

        assertTrue(hit("Distribution=fedora", "Release=40"));
        assertFalse(hit("Distribution=fedora"));
        assertFalse(hit("Distribution=debian", "Release=40"));
    }

    @Test
    void matchTriggerConditionsAreOred() {
        probe("Distribution=|fedora", "Distribution=|centos");

        assertTrue(hit("Distribution=fedora"));
        assertTrue(hit("Distribution=centos"));
        assertFalse(hit("Distribution=debian"));
    }

    @Test
    void matchTriggerConditionsAreOredAndPlainConditionsStillMustHold() {
        probe("Distribution=|fedora", "Distribution=|centos", "Format=tar");

        assertTrue(hit("Distribution=centos", "Format=tar"));
        assertFalse(hit("Distribution=centos"));
        assertFalse(hit("Distribution=debian", "Format=tar"));
    }

    @Test
    void matchNegation() {
        probe("Distribution=!debian");

        assertFalse(hit());
        assertTrue(hit("Distribution=fedora"));
    }

    @Test
    void matchNegatedTriggerConditions() {
        probe("Distribution=|!debian", "Format=|tar");

        assertTrue(hit("Distribution=fedora"));
        assertTrue(hit("Format=tar"));
        assertFalse(hit());
    }

    @Test
    void severalMatchSectionsMustAllHold() {
        probe("Distribution=|fedora", "Distribution=|centos", "[Match]", "Format=|tar", "Format=|cpio");

        assertTrue(hit("Distribution=fedora", "Format=cpio"));
        assertFalse(hit("Distribution=fedora"), "the second section does not hold");
        assertFalse(hit("Format=tar"), "the first section does not hold");
    }

    @Test
    void matchSeesOnlyWhatWasParsedSoFarPlusCommandLineAndLocal() {
        tree.file("mkosi.conf.d/10-early.conf", "[Match]", "Format=tar", "[Content]", "Packages=early")
                .file("mkosi.conf.d/20-set.conf", "[Output]", "Format=tar")
                .file("mkosi.conf.d/30-late.conf", "[Match]", "Format=tar", "[Content]", "Packages=late");

        assertEquals(List.of("late"), tree.load().list("Packages"), "10-early ran before Format=tar was read");

        tree.file("mkosi.local.conf", "[Output]", "Format=tar");
        assertEquals(List.of("early", "late"), tree.load().list("Packages"), "local is known before the files");
    }

    @Test
    void matchSeesTheCommandLineBeforeAnyFile() {
        tree.file("mkosi.conf.d/10-early.conf", "[Match]", "Format=cpio", "[Content]", "Packages=early")
                .file("mkosi.conf.d/20-set.conf", "[Output]", "Format=tar");

        assertEquals(List.of("early"), tree.load("Format=cpio").list("Packages"));
    }

    @Test
    void matchSeesTheValueResolvedAcrossRanks() {
        tree.file("mkosi.local.conf", "[Output]", "Format=cpio")
                .file("mkosi.conf", "[Output]", "Format=tar")
                .file("mkosi.conf.d/10-probe.conf", "[Match]", "Format=cpio", "[Content]", "Packages=hit");

        assertTrue(tree.load().list("Packages").contains("hit"), "the file's tar does not beat local's cpio");
        assertFalse(tree.load("Format=disk").list("Packages").contains("hit"));
    }

    @Test
    void matchSeesTheDefaultWhenNothingSetItYet() {
        probe("Distribution=debian", "Release=bookworm", "Architecture=x86-64", "Format=directory");

        assertTrue(hit());
    }

    @Test
    void warnsWhenMatchedSettingIsChangedLater() {
        tree.file("mkosi.conf.d/10-kernel.conf", "[Match]", "BuildSources=kernel", "[Content]", "Packages=kmod")
                .file("mkosi.conf.d/20-sources.conf", "[Build]", "BuildSources=src/linux:kernel")
                .dir("src/linux");

        Config c = tree.load();

        assertEquals(List.of(), c.list("Packages"));
        assertEquals(1, c.warnings().size(), c.warnings().toString());
        String w = c.warnings().get(0);
        assertTrue(w.startsWith(tree.at("mkosi.conf.d/10-kernel.conf", 2) + ": "), w);
        assertTrue(w.contains("BuildSources"), w);
    }

    @Test
    void noWarningWhenMatchedSettingKeepsItsValue() {
        probe("Distribution=fedora");
        tree.file("mkosi.conf.d/90-late.conf", "[Distribution]", "Distribution=fedora");

        Config c = tree.load("Distribution=fedora");

        assertTrue(c.list("Packages").contains("hit"));
        assertEquals(List.of(), c.warnings());
    }

    // ---- one test per matcher --------------------------------------------------------------------------

    @Test
    void matchDistribution() {
        probe("Distribution=centos");

        assertTrue(hit("Distribution=centos"));
        assertFalse(hit("Distribution=fedora"));
    }

    @Test
    void matchRelease() {
        probe("Release=trixie");

        assertTrue(hit("Release=trixie"));
        assertFalse(hit());
    }

    @Test
    void matchArchitecture() {
        probe("Architecture=arm64");

        assertTrue(hit("Architecture=arm64"));
        assertFalse(hit());
    }

    @Test
    void matchFormat() {
        probe("Format=disk");

        assertTrue(hit("Format=disk"));
        assertFalse(hit("Format=none"));
    }

    @Test
    void matchBuildSourcesByTargetName() {
        tree.dir("src/linux").dir("src/btrfs-progs").file("modules/btrfs-progs/mkosi.conf", "[Content]");
        probe("BuildSources=kernel");
        Path linux = tree.path("src/linux");
        Path btrfs = tree.path("src/btrfs-progs");

        assertTrue(hit("BuildSources=" + linux + ":kernel"));
        assertFalse(hit("BuildSources=" + btrfs + ":btrfs-progs"));
        assertFalse(hit());
    }

    @Test
    void matchPathExists() {
        probe("PathExists=%C/../flag");

        assertFalse(hit());
        tree.file("flag", "");
        assertTrue(hit());
    }

    @Test
    void matchPathExistsIsRelativeToTheDirectoryBeingParsedNotTheFile() {
        // mkosi v26 match_path_exists: Path(value).exists() in the parse's working directory (checked with the
        // oracle: a conf.d file's PathExists=x looks for <top>/x).
        tree.file("mkosi.conf.d/here", "");
        probe("PathExists=here");
        assertFalse(hit());

        tree.file("here", "");
        assertTrue(hit());
    }

    @Test
    void matchEnvironment() {
        probe("Environment=SELFTESTS=1");

        assertTrue(hit("Environment=SELFTESTS=1"));
        assertFalse(hit("Environment=SELFTESTS=0"));
        assertFalse(hit());
    }

    @Test
    void matchEnvironmentKeyOnly() {
        probe("Environment=SELFTESTS");

        assertTrue(hit("Environment=SELFTESTS=0"));
        assertFalse(hit("Environment=OTHER=1"));
    }

    @Test
    void matchRepositories() {
        probe("Repositories=non-free");

        assertTrue(hit("Repositories=contrib,non-free"));
        assertFalse(hit("Repositories=contrib"));
    }

    @Test
    void unknownMatchConditionIsAWarningAndDoesNotMatch() {
        probe("Bogus=1");

        Config c = tree.load();

        assertFalse(c.list("Packages").contains("hit"));
        assertTrue(c.warnings().stream().anyMatch(w -> w.startsWith(tree.at("mkosi.conf.d/50-probe.conf", 2))),
                c.warnings().toString());
    }
}
