package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Big trees are renamed aside and removed by rm -rf as a step of their own; interrupted trash is found again. */
class TreeRemovalTest {
    @TempDir
    Path dir;

    @Test
    void argvNeverCrossesIntoAMount() {
        assertEquals(List.of("rm", "-rf", "--one-file-system", "--", "/o/.kimg-trash-image-1-1", "/o/-x"),
                TreeRemoval.argv(List.of(Path.of("/o/.kimg-trash-image-1-1"), Path.of("/o/-x"))));
    }

    @Test
    void removesATreeAsAStepWithItsOwnLineAndLeavesNothing() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("image/usr/lib"));
        Files.writeString(tree.resolve("a"), "a");
        Path keep = Files.writeString(dir.resolve("keep"), "k");
        var out = new ByteArrayOutputStream();
        var exec = new Exec(new StepLogs(dir.resolve("logs")),
                Console.plain(new PrintStream(out, true, StandardCharsets.UTF_8)));
        TreeRemoval.remove(exec, "remove-old-image", List.of(dir.resolve("image"), dir.resolve("missing")));
        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("▶ remove-old-image"), shown);
        assertTrue(shown.contains("✓ remove-old-image"), shown);
        assertFalse(Files.exists(dir.resolve("image")));
        try (var s = Files.list(dir)) {
            assertEquals(List.of("keep", "logs"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(Files.exists(keep));
        // The step's log holds the rm command line.
        assertTrue(exec.logs().records().stream().anyMatch(r -> r.step().equals("remove-old-image")));
    }

    @Test
    void trashOfAnInterruptedRunIsFoundOnlyWhenKimgStampedIt() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("image/etc"));
        Path trash = TreeRemoval.moveAside(tree.getParent());
        assertFalse(Files.exists(dir.resolve("image")));
        assertTrue(Files.isDirectory(trash.resolve("etc")));
        assertTrue(trash.getFileName().toString().startsWith(".kimg-trash-image-"));
        Files.createDirectories(dir.resolve(".kimg-trash-someone-elses"));
        assertEquals(List.of(trash), TreeRemoval.leftovers(dir));
    }

    @Test
    void trashIsAbandonedWhenItsKimgIsGoneOrItIsOursAndIdle() {
        assertTrue(TreeRemoval.isAbandoned(".kimg-trash-image-8-1", 100, pid -> false, false), "its kimg is gone");
        assertFalse(TreeRemoval.isAbandoned(".kimg-trash-image-7-1", 100, pid -> pid == 7, false),
                "a live kimg deletes it in the background");
        assertTrue(TreeRemoval.isAbandoned(".kimg-trash-my-image-100-3", 100, pid -> true, false), "ours, idle");
        assertFalse(TreeRemoval.isAbandoned(".kimg-trash-image-100-3", 100, pid -> true, true), "ours, being deleted");
        assertFalse(TreeRemoval.isAbandoned("image", 100, pid -> false, false));
    }

    @Test
    void aBackgroundRemovalFreesTheNameAtOnceAndIsAwaited() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("image/usr/lib"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(tree.resolve("f" + i), "x");
        }
        var out = new ByteArrayOutputStream();
        var exec = new Exec(new StepLogs(dir.resolve("logs")),
                Console.plain(new PrintStream(out, true, StandardCharsets.UTF_8)));
        TreeRemoval.removeInBackground(exec, "remove-old-image", dir.resolve("image"));
        assertFalse(Files.exists(dir.resolve("image")), "renamed away before the call returns");
        assertEquals(List.of(), TreeRemoval.leftovers(dir), "trash being deleted is not a leftover");
        TreeRemoval.awaitBackground();
        try (var s = Files.list(dir)) {
            assertEquals(List.of("logs"), s.map(p -> p.getFileName().toString()).toList(), "trash and stamp gone");
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("✓ remove-old-image"));
    }
}
