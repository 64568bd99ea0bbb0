package kimg.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import kimg.fs.FileTrees;
import kimg.fs.StagedReplace.Leftover;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staged-replace contract: never half-written, the old one replaced only when the new is complete, leftovers pruned. */
class StagedReplaceTest {
    @TempDir
    Path dir;

    private static final long SELF = 100;

    private static Leftover classify(String name, String... siblings) {
        return StagedReplace.classify(name, Set.of(siblings), SELF, pid -> pid == 7, Set.of(".kimg-tmp-b-100"));
    }

    @Test
    void leftoversAreDecidedByNameTargetAndPid() {
        assertEquals(Leftover.KEEP, classify("image"), "not kimg's staging");
        assertEquals(Leftover.KEEP, classify(".kimg-tmp-a~x-7"), "another live kimg is filling it");
        assertEquals(Leftover.DELETE, classify(".kimg-tmp-a~x-8"), "its kimg is gone");
        assertEquals(Leftover.DELETE, classify(".kimg-tmp-a-100"), "ours, from a failed earlier step");
        assertEquals(Leftover.KEEP, classify(".kimg-tmp-b-100"), "ours, being filled");
        assertEquals(Leftover.DELETE, classify(".kimg-tmp-a-x"), "no pid: not a name kimg gives");
        assertEquals(Leftover.RESTORE, classify(".kimg-previous-image", "other"), "killed between the renames");
        assertEquals(Leftover.DELETE, classify(".kimg-previous-image", "image"), "the new tree made it in");
    }

    @Test
    void aTreeIsReplacedOnlyWhenTheNewOneIsComplete() throws IOException {
        Path target = Files.createDirectories(dir.resolve("t/a"));
        Files.writeString(target.resolve("f"), "old");
        var deleted = new ArrayList<Path>();
        StagedReplace.replaceTree(dir.resolve("t"), s -> {
            Files.createDirectories(s.resolve("a"));
            Files.writeString(s.resolve("a/f"), "new");
            assertEquals("old", Files.readString(dir.resolve("t/a/f")), "the old tree stays while the new is made");
        }, p -> {
            deleted.add(p);
            FileTrees.deleteRecursively(p);
        });
        assertEquals("new", Files.readString(dir.resolve("t/a/f")));
        assertEquals(List.of(dir.resolve(".kimg-previous-t")), deleted, "the old tree goes after the new one is in");
        assertEquals(List.of(dir.resolve("t")), FileTrees.list(dir));
    }

    @Test
    void aFailedFillLeavesTheOldTreeAndNoStaging() throws IOException {
        Files.createDirectories(dir.resolve("t"));
        Files.writeString(dir.resolve("t/f"), "old");
        assertThrows(IllegalStateException.class, () -> StagedReplace.replaceTree(dir.resolve("t"), s -> {
            Files.writeString(s.resolve("half"), "x");
            throw new IllegalStateException("package manager failed");
        }, FileTrees::deleteRecursively));
        assertEquals("old", Files.readString(dir.resolve("t/f")));
        assertEquals(List.of(dir.resolve("t")), FileTrees.list(dir));
    }

    @Test
    void aFileIsReplacedByOneRename() throws IOException {
        Path target = Files.writeString(dir.resolve("initrd"), "old");
        assertThrows(RuntimeException.class, () -> StagedReplace.replaceFile(target, s -> {
            Files.writeString(s, "ha");
            throw new IOException("cpio failed");
        }));
        assertEquals("old", Files.readString(target));
        StagedReplace.replaceFile(target, s -> Files.writeString(s, "new"));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(target), FileTrees.list(dir));
    }

    @Test
    void pruneRestoresATreeLeftAsideAndDeletesAbandonedStaging() throws IOException {
        Files.createDirectories(dir.resolve(".kimg-previous-t"));
        Files.writeString(dir.resolve(".kimg-previous-t/f"), "good");
        Files.createDirectories(dir.resolve(".kimg-previous-u"));
        Files.createDirectories(dir.resolve("u"));
        Files.createDirectories(dir.resolve(".kimg-tmp-t-" + Integer.MAX_VALUE + "/root"));
        long live = ProcessHandle.current().parent().orElseThrow().pid();
        Files.createDirectories(dir.resolve(".kimg-tmp-t-" + live));
        StagedReplace.prune(dir);
        assertEquals("good", Files.readString(dir.resolve("t/f")));
        assertEquals(List.of(".kimg-tmp-t-" + live, "t", "u"),
                FileTrees.list(dir).stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void commitRepairsAnInterruptedCommitFirst() throws IOException {
        Files.createDirectories(dir.resolve(".kimg-previous-t"));
        Files.writeString(dir.resolve(".kimg-previous-t/f"), "older");
        Files.createDirectories(dir.resolve("fresh"));
        StagedReplace.commit(dir.resolve("fresh"), dir.resolve("t"));
        assertTrue(Files.isDirectory(dir.resolve("t")));
        assertFalse(Files.exists(dir.resolve("t/f")));
        assertEquals(List.of(dir.resolve("t")), FileTrees.list(dir));
    }
}
