package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import kimg.config.Config;
import org.junit.jupiter.api.Test;

/** The cache's decisions as pure functions: hit or miss, which entries to prune, what a failure means. */
class RootfsCacheTest {
    private static RootfsCacheKey key() {
        var v = new LinkedHashMap<String, List<String>>();
        v.put("Distribution", List.of("debian"));
        return RootfsCacheKey.of(RootfsSpec.finalTree(Config.ofValues(Path.of("/p"), v)));
    }

    @Test
    void aHitNeedsTheTreeAndExactlyTheKeysInputs() {
        RootfsCacheKey key = key();
        String stored = RootfsCache.inputsText(key);
        assertTrue(RootfsCache.isHit(true, stored, key));
        assertFalse(RootfsCache.isHit(false, stored, key), "inputs.txt without its tree (a half-deleted entry)");
        assertFalse(RootfsCache.isHit(true, stored.replace("packages=", "packages=vim,"), key), "Packages= changed");
        assertFalse(RootfsCache.isHit(true, "", key), "no inputs.txt");
        assertTrue(stored.endsWith("\nhash=" + key.hash() + "\n"));
    }

    @Test
    void pruningKeepsTheMostRecentOtherEntry() {
        Path a = Path.of("/c/a");
        Path b = Path.of("/c/b");
        Path c = Path.of("/c/c");
        assertEquals(List.of(c, a), RootfsCache.toPrune(List.of(new RootfsCache.Aged(a, 10),
                new RootfsCache.Aged(b, 30), new RootfsCache.Aged(c, 20))));
        assertEquals(List.of(), RootfsCache.toPrune(List.of(new RootfsCache.Aged(a, 10))));
        assertEquals(List.of(), RootfsCache.toPrune(List.of()));
    }

    @Test
    void packageManagerLogsAreDiagnosed() {
        assertEquals("package not found: nosuch",
                PackageManager.diagnose("I: running apt-get update...\nE: Unable to locate package nosuch\n"));
        assertEquals("package not found: foo",
                PackageManager.diagnose("E: Package 'foo' has no installation candidate\n"));
        assertEquals("package not found: bar", PackageManager.diagnose("No match for argument: bar\nError: ...\n"));
        assertEquals("E: Failed to fetch http://x/dists/bookworm/InRelease",
                PackageManager.diagnose("W: something\nE: Failed to fetch http://x/dists/bookworm/InRelease\n"));
        assertNull(PackageManager.diagnose("all good\n"));
    }

    @Test
    void anOutputIsUpToDateOnlyWhenEveryPartIsThereAndTheInputsMatch() {
        List<String> inputs = List.of("base=1", "format=tar");
        String state = OutputStamp.text(inputs);
        assertTrue(OutputStamp.upToDate(true, true, true, state, inputs));
        assertFalse(OutputStamp.upToDate(false, true, true, state, inputs), "no tree");
        assertFalse(OutputStamp.upToDate(true, false, true, state, inputs), "the format's archive is missing");
        assertFalse(OutputStamp.upToDate(true, true, false, state, inputs), "Ssh=yes without a pinned host key");
        assertFalse(OutputStamp.upToDate(true, true, true, null, inputs), "never built");
        assertFalse(OutputStamp.upToDate(true, true, true, state, List.of("base=2", "format=tar")), "changed");
    }

    @Test
    void thePackageManagerRunsAgainOnlyForMinusFfOrIncrementalNo() {
        var v = new LinkedHashMap<String, List<String>>();
        v.put("Distribution", List.of("debian"));
        Config incremental = Config.ofValues(Path.of("/p"), v);
        assertFalse(ImageBuilder.refreshesCache(incremental, 0));
        assertFalse(ImageBuilder.refreshesCache(incremental, 1), "-f rebuilds the output from the cache");
        assertTrue(ImageBuilder.refreshesCache(incremental, 2));
        v.put("Incremental", List.of("no"));
        assertTrue(ImageBuilder.refreshesCache(Config.ofValues(Path.of("/p"), v), 0));
    }
}
