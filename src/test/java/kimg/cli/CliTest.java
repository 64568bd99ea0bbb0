package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.BuildOptions;
import kimg.config.ConfigTree;
import kimg.verb.BuildVerb;
import kimg.verb.CatConfigVerb;
import kimg.verb.CleanVerb;
import kimg.verb.GdbVerb;
import kimg.verb.GenkeyVerb;
import kimg.verb.QemuVerb;
import kimg.verb.RunVerb;
import kimg.verb.SshVerb;
import kimg.verb.SummaryVerb;
import kimg.verb.Verb;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REFERENCE.md §7: the command line, argv → {@link Request}. */
class CliTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void setUp() {
        tree = new ConfigTree(dir)
                .file("mkosi.conf", "[Distribution]", "Distribution=debian")
                .file("mkosi.local.conf", "[Config]", "Include=modules/kernel", "Include=modules/blktests",
                        "Include=tools/mymod")
                .file("modules/kernel/mkosi.conf", "[Content]", "Packages=kmod")
                .file("modules/blktests/mkosi.conf", "[Content]", "Packages=fio")
                .file("modules/btrfs-progs/mkosi.conf", "[Content]", "Packages=btrfs-progs")
                .file("modules/foo/mkosi.conf", "[Content]", "Packages=foo")
                .file("tools/mymod/mkosi.conf", "[Content]", "Packages=mymod");
    }

    private Request parse(String... args) {
        var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Cli.Parsed p = Cli.parse(args, dir, sink, sink);
        assertNull(p.exitStatus(), "parse answered by itself: " + p.exitStatus());
        return p.request();
    }

    // ---- verbs ------------------------------------------------------------------------------------------

    @Test
    void buildIsTheDefaultVerb() {
        assertEquals("build", parse().verb());
        assertEquals("build", parse("-f").verb());
    }

    private Verb verbOf(String... args) {
        var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return Cli.parse(args, dir, sink, sink).verb();
    }

    @Test
    void eachVerbIsItsOwnClassWithItsOwnOptions() {
        assertEquals(new BuildVerb(new BuildOptions(true, List.of("kernel"), null, 1, 3), true, false),
                verbOf("-f", "-w", "-j", "3", "build", "-i", "--kernel"));
        assertEquals(new BuildVerb(new BuildOptions(false, List.of(), null, 0, 2), false, false), verbOf("-j", "2"));
        assertEquals(new QemuVerb(new BuildOptions(false, List.of(), null, 2, 2), true),
                verbOf("-ff", "-j", "2", "vm", "--no-build"));
        assertEquals(new RunVerb(new BuildOptions(false, List.of(), null, 0, 2), false, List.of("uname", "-r")),
                verbOf("-j", "2", "run", "--", "uname", "-r"));
        assertEquals(new SshVerb(0, List.of("dmesg")), verbOf("ssh", "--", "dmesg"));
        assertEquals(new GdbVerb(1, List.of("-ex", "c")), verbOf("-f", "gdb", "--", "-ex", "c"));
        assertEquals(new SummaryVerb(new BuildOptions(true, List.of(), null, 0, 2), true, true),
                verbOf("-j", "2", "summary", "--plan", "--json", "-i"));
        assertEquals(new CatConfigVerb(), verbOf("cat-config"));
        assertEquals(new CleanVerb(2), verbOf("-ff", "clean"));
        assertEquals(new GenkeyVerb(), verbOf("genkey"));
    }

    @Test
    void runAllowWarnIsTheAllowWarningsSettingAndRunTimeoutItsFlag() {
        Request r = parse("run", "--allow-warn", "--run-timeout=600", "--", "kselftest", "size");
        assertEquals(List.of("true"), r.overrides().get("AllowWarnings"));
        assertEquals(List.of("600"), r.overrides().get("RunTimeout"));
        assertEquals(List.of("kselftest", "size"), r.command());
        assertNull(parse("run", "--", "true").overrides().get("AllowWarnings"));
    }

    @Test
    void vmIsAnAliasOfQemu() {
        assertEquals("qemu", parse("vm").verb());
        assertEquals("qemu", parse("qemu").verb());
    }

    @Test
    void summaryJson() {
        Request r = parse("summary", "--json");

        assertEquals("summary", r.verb());
        assertTrue(r.json());
    }

    @Test
    void runTakesTheGuestCommandAfterDoubleDash() {
        assertEquals(List.of("uname", "-r"), parse("run", "--", "uname", "-r").command());
    }

    // ---- global options ---------------------------------------------------------------------------------

    @Test
    void directoryOptionIsRelativeToTheStartDirectory() {
        tree.file("sub/mkosi.conf", "[Content]", "Packages=x");

        Request r = parse("-C", "sub", "summary");

        assertEquals(tree.path("sub"), r.directory());
        assertEquals(dir.toAbsolutePath().normalize(), r.startDirectory());
    }

    @Test
    void forceTwiceAsDoubleFCounts2() {
        assertEquals(2, parse("-ff").force());
        assertEquals(2, parse("-f", "-f", "build").force());
        assertEquals(1, parse("-f").force());
        assertEquals(0, parse().force());
    }

    @Test
    void forceWorksBeforeAndAfterTheVerb() {
        assertEquals(1, parse("-f", "qemu").force());
        assertEquals(1, parse("qemu", "-f").force());
        assertEquals(2, parse("-f", "qemu", "-f").force());
        assertEquals(2, parse("qemu", "-ff").force());
    }

    @Test
    void jobsAcceptsAutoAutoPlusOneAndANumber() {
        int cpus = Runtime.getRuntime().availableProcessors();

        assertEquals(cpus, parse().jobs());
        assertEquals(cpus, parse("-j", "auto").jobs());
        assertEquals(cpus + 1, parse("--jobs=auto+1").jobs());
        assertEquals(7, parse("build", "-j7").jobs());
    }

    @Test
    void debugFlag() {
        assertTrue(parse("--debug", "summary").debug());
        assertTrue(parse("summary", "--debug").debug());
        assertFalse(parse("summary").debug());
    }

    // ---- settings as flags ------------------------------------------------------------------------------

    @Test
    void settingFlagsInKebabCaseBecomeOverrides() {
        Request r = parse("--build-sources=../linux:kernel", "--build-sources", "../btrfs:btrfs-progs", "--ram=4G",
                "qemu", "--qemu-args=-s", "--kernel-command-line-extra=nokaslr", "--packages=");

        assertEquals(Map.of("BuildSources", List.of("../linux:kernel", "../btrfs:btrfs-progs"), "RAM", List.of("4G"),
                "QemuArgs", List.of("-s"), "KernelCommandLineExtra", List.of("nokaslr"), "Packages", List.of("")),
                r.overrides());
    }

    @Test
    void shortAliasesForDistributionReleaseAndFormat() {
        Request r = parse("-d", "fedora", "-r", "40", "-t", "tar", "summary");

        assertEquals(Map.of("Distribution", List.of("fedora"), "Release", List.of("40"), "Format", List.of("tar")),
                r.overrides());
        assertEquals(Map.of("Format", List.of("none")), parse("build", "-t", "none").overrides());
    }

    @Test
    void settingFlagsResolveThroughTheLoader() {
        KimgRun run = KimgRun.in(dir, "-d", "fedora", "--ram=6G", "summary", "--json");

        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().contains("\"value\" : \"fedora\""), run.out());
        assertTrue(run.out().contains("\"value\" : \"6G\""), run.out());
    }

    // ---- build's module options -------------------------------------------------------------------------

    @Test
    void everyModuleFoundGetsABuildFlag() {
        Request r = parse("build", "--kernel", "--blktests", "--btrfs-progs", "--foo", "--mymod");

        assertEquals(List.of("kernel", "blktests", "btrfs-progs", "foo", "mymod"), r.selectedModules());
    }

    @Test
    void theRepositoryTreeOffersEveryUpstreamModuleFlagIncludingBlktests() {
        Path repo = Path.of("").toAbsolutePath();
        var sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        Cli.Parsed p = Cli.parse(new String[] {"-C", repo.toString(), "build", "--kernel", "--btrfs-progs",
                "--fstests", "--ltp", "--blktests", "--bpfilter"}, repo, sink, sink);

        assertNull(p.exitStatus());
        assertEquals(List.of("kernel", "btrfs-progs", "fstests", "ltp", "blktests", "bpfilter"),
                p.request().selectedModules());
    }

    @Test
    void globalOptionsAndSettingsAfterBuildAreNotModules() {
        Request r = parse("build", "-f", "--kernel", "--ram=4G", "-j", "3", "--debug", "-d", "fedora");

        assertEquals(List.of("kernel"), r.selectedModules());
        assertEquals(1, r.force());
        assertEquals(Map.of("RAM", List.of("4G"), "Distribution", List.of("fedora")), r.overrides());
    }

    @Test
    void settingFlagsBeforeAndAfterTheVerbAppendInOrder() {
        Request r = parse("--packages=a", "--packages=b", "qemu", "--packages=c");

        assertEquals(Map.of("Packages", List.of("a", "b", "c")), r.overrides());
    }

    @Test
    void incrementalAfterBuildIsTheModuleIncrementalFlag() {
        Request longForm = parse("build", "--incremental", "--kernel");
        Request shortForm = parse("build", "-i", "--kernel");

        assertTrue(longForm.incremental());
        assertTrue(shortForm.incremental());
        assertFalse(longForm.overrides().containsKey("Incremental"));
        assertEquals(List.of("kernel"), longForm.selectedModules());
    }

    @Test
    void incrementalBeforeTheVerbIsTheIncrementalSetting() {
        Request r = parse("--incremental=no", "build");

        assertFalse(r.incremental());
        assertEquals(Map.of("Incremental", List.of("no")), r.overrides());
    }

    @Test
    void kernelConfigOptionAfterBuild() {
        tree.file("my.config", "CONFIG_X=y");

        Request r = parse("build", "-c", "my.config", "-i", "--kernel");

        assertEquals(tree.path("my.config"), r.kernelConfig());
        assertEquals(tree.path("my.config"), parse("build", "--config=my.config").kernelConfig());
    }

    @Test
    void genkeyWritesTheProjectsKeyPairOnceAndPrintsThePublicKey() throws Exception {
        KimgRun first = KimgRun.in(dir, "genkey");

        assertEquals(0, first.status(), first.toString());
        assertEquals(dir.resolve("mkosi.key.pub").toString(), first.out().strip());
        String privateKey = java.nio.file.Files.readString(dir.resolve("mkosi.key"));
        assertTrue(privateKey.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"));
        KimgRun second = KimgRun.in(dir, "genkey");
        assertEquals(0, second.status(), second.toString());
        assertEquals(privateKey, java.nio.file.Files.readString(dir.resolve("mkosi.key")), "an existing key is kept");
    }

    // ---- answered by the parser itself ------------------------------------------------------------------

    @Test
    void completionPrintsABashScript() {
        KimgRun run = KimgRun.in(dir, "completion");

        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().contains("complete -F"), run.out());
        assertTrue(run.out().contains("--build-sources"), "settings flags are completed");
        assertTrue(run.out().contains("--blktests"), "this project's module flags are completed");
    }

    @Test
    void helpExitsZero() {
        KimgRun run = KimgRun.in(dir, "--help");

        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().contains("Usage: kimg"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void verbHelpExitsZeroAndListsModuleFlags() {
        KimgRun run = KimgRun.in(dir, "build", "--help");

        assertEquals(0, run.status(), run.toString());
        assertTrue(run.out().contains("--blktests"), run.out());
        assertTrue(run.out().contains("--incremental"), run.out());
    }
}
