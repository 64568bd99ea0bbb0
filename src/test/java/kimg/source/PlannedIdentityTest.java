package kimg.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity {@code summary --plan} shows, against real git: the same as the build's for a ref and for the
 * working tree (uncommitted changes included), with nothing written into the repository; unknown (and why) when
 * only the build can make an input.
 */
class PlannedIdentityTest {
    static final List<String> VARS = List.of("KBUILD_BUILD_HOST=kimg", "LOCALVERSION=");

    @TempDir
    Path tmp;

    Path repo;
    Path kernelRoot;
    Path buildDir;
    Exec exec;
    List<String> dotConfig;

    @BeforeEach
    void setUp() throws Exception {
        repo = tmp.resolve("linux");
        kernelRoot = tmp.resolve("build/kernel");
        buildDir = Files.createDirectories(kernelRoot.resolve("worktree.o"));
        exec = new Exec(StepLogs.under(tmp.resolve("logs")), Console.plain(System.err));
        git(tmp, "init", "-q", "-b", "main", repo.toString());
        Files.createDirectories(repo.resolve("init"));
        Files.writeString(repo.resolve("Makefile"), "VERSION = 6\n");
        Files.writeString(repo.resolve("init/main.c"), "int main(void) { return 0; }\n");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base");
        git(repo, "tag", "v1");
        dotConfig = List.of("CONFIG_MODULES=y", "CONFIG_LOCALVERSION=\"-old-12345678\"");
        Files.write(buildDir.resolve(".config"), dotConfig);
    }

    private String git(Path dir, String... args) {
        var argv = new ArrayList<>(List.of("git", "-C", dir.toString()));
        argv.addAll(List.of(args));
        return exec.capture("git", Cmd.of(argv)).text().strip();
    }

    private Config config(String... settings) {
        var values = new LinkedHashMap<String, List<String>>();
        values.put("BuildSources", List.of(repo + ":kernel"));
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], List.of(settings[i + 1]));
        }
        return Config.ofValues(tmp, values);
    }

    private PlannedIdentity.Result plan(Config config, boolean configCurrent, boolean incremental) throws Exception {
        Path scratch = Files.createTempDirectory(tmp, "scratch-");
        return PlannedIdentity.of(config, repo, kernelRoot, buildDir, configCurrent, VARS, "x86", incremental,
                scratch.resolve("git"), exec);
    }

    @Test
    void aRefIsHashedAsTheBuildHashesIt() throws Exception {
        PlannedIdentity.Result r = plan(config("KernelRef", "v1"), true, false);
        String tree = git(repo, "rev-parse", "v1^{tree}");
        assertEquals(BuildIdentity.of("v1", tree, dotConfig, VARS, "x86").name(), r.name(), r.why());
        assertNull(r.why());
    }

    @Test
    void theWorkingTreeIsHashedWithItsChangesWithoutWritingTheRepository() throws Exception {
        Files.writeString(repo.resolve("init/main.c"), "int main(void) { return 2; } /* editing */\n");
        Files.writeString(repo.resolve("notes.txt"), "mine\n");
        String objectsBefore = git(repo, "count-objects", "-v");
        byte[] indexBefore = Files.readAllBytes(repo.resolve(".git/index"));
        PlannedIdentity.Result r = plan(config("KernelLabel", "mine"), true, false);
        assertEquals(objectsBefore, git(repo, "count-objects", "-v"), "the plan wrote objects into the repository");
        assertTrue(java.util.Arrays.equals(indexBefore, Files.readAllBytes(repo.resolve(".git/index"))),
                "the plan changed the index");
        // The build's own hash (which may add objects) agrees.
        String tree = KernelCheckout.workingTreeHash(new GitCommands(repo), kernelRoot, exec);
        assertEquals(BuildIdentity.of("mine", tree, dotConfig, VARS, "x86").name(), r.name(), r.why());
        assertTrue(!tree.equals(git(repo, "rev-parse", "HEAD^{tree}")), "uncommitted changes count");
    }

    @Test
    void whatOnlyTheBuildMakesIsNamedAsUnknown() throws Exception {
        PlannedIdentity.Result remade = plan(config("KernelRef", "v1"), false, false);
        assertNull(remade.name());
        assertEquals("the .config is remade first", remade.why());
        Path mbox = Files.writeString(tmp.resolve("p.mbox"), "From 0 Mon Sep 17 00:00:00 2001\n");
        PlannedIdentity.Result patched = plan(config("KernelRef", "v1", "KernelPatches", mbox.toString()), true,
                false);
        assertEquals("the patches are not applied yet", patched.why());
        assertEquals("'nope' names no commit in " + repo, plan(config("KernelRef", "nope"), true, false).why());
        Files.delete(buildDir.resolve(".config"));
        assertEquals("no .config yet", plan(config("KernelRef", "v1"), true, false).why());
    }

    @Test
    void underIncrementalItIsTheIdentityTheConfigWasBuiltWith() throws Exception {
        assertEquals("old-12345678", plan(config("KernelRef", "v1"), true, true).name());
    }

    @Test
    void aShaRefReadsAsTwelveHex() {
        String sha = git(repo, "rev-parse", "v1");
        assertEquals(sha.substring(0, 12), KernelCheckout.readable(config("KernelRef", sha)));
        assertEquals("v1", KernelCheckout.readable(config("KernelRef", "v1")));
    }
}
