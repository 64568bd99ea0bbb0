package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.config.ConfigTree;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kimg bisect GOOD BAD -- CMD}: the command line and the refs are checked before anything is built (exit 2):
 * a one-word command parses, a tree without git history and a swapped or equal pair are refused. Found by a new
 * user's trial.
 */
class BisectArgumentsTest {
    @TempDir
    Path dir;

    ConfigTree tree;

    @BeforeEach
    void kernelTree() throws Exception {
        tree = new ConfigTree(dir).dir("linux/scripts/kconfig").file("linux/Makefile", "all:")
                .file("mkosi.conf", "[Build]", "BuildSources=linux:kernel");
    }

    private void git(String... args) throws IOException, InterruptedException {
        var argv = new ArrayList<>(List.of("git", "-c", "user.name=t", "-c", "user.email=t@t", "-C",
                dir.resolve("linux").toString()));
        argv.addAll(List.of(args));
        assertEquals(0, new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(
                ProcessBuilder.Redirect.DISCARD).start().waitFor(), argv.toString());
    }

    private void history() throws Exception {
        git("init", "-q");
        git("add", "-A");
        git("commit", "-qm", "one");
        git("tag", "v1");
        Files.writeString(dir.resolve("linux/Makefile"), "all:\n\ttrue\n");
        git("commit", "-qam", "two");
        git("tag", "v2");
    }

    @Test
    void aOneWordCommandParses() {
        KimgRun r = KimgRun.in(dir, "bisect", "v1", "v2", "--", "true");
        assertFalse(r.err().contains("requires at least"), r.toString());
        assertTrue(r.err().contains("is not a git repository"), r.toString());
        assertEquals(2, r.status(), r.toString());
    }

    @Test
    void aTreeWithoutGitIsRefusedNamingBuildSources() {
        KimgRun r = KimgRun.in(dir, "bisect", "v1", "v2", "--", "uname", "-r");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("mkosi.conf:2: BuildSources=: "), r.toString());
        assertFalse(Files.exists(dir.resolve("mkosi.output/logs")), "a step ran");
    }

    @Test
    void aSwappedOrEqualPairIsRefusedBeforeAnyBuild() throws Exception {
        history();
        KimgRun swapped = KimgRun.in(dir, "bisect", "v2", "v1", "--", "true");
        assertEquals(2, swapped.status(), swapped.toString());
        assertTrue(swapped.err().contains("BAD v1 is an ancestor of GOOD v2: nothing to bisect"), swapped.toString());
        KimgRun same = KimgRun.in(dir, "bisect", "v2", "v2", "--", "true");
        assertEquals(2, same.status(), same.toString());
        assertTrue(same.err().contains("BAD v2 is the same commit as GOOD v2"), same.toString());
        assertFalse(swapped.err().contains("kernel-make") || same.err().contains("kernel-make"));
    }

    @Test
    void aMissingBadIsAUsageError() {
        KimgRun r = KimgRun.in(dir, "bisect", "v1");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("Missing required parameter: 'BAD'"), r.toString());
    }
}
