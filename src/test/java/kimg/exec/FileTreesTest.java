package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path dir;

    @Test
    void replaceSwapsTreesAndRemovesTheOldOne() throws IOException {
        Files.createDirectories(dir.resolve("t/a"));
        Files.writeString(dir.resolve("t/a/f"), "old");
        Files.createDirectories(dir.resolve("n/a"));
        Files.writeString(dir.resolve("n/a/f"), "new");
        FileTrees.replace(dir.resolve("n"), dir.resolve("t"));
        assertEquals("new", Files.readString(dir.resolve("t/a/f")));
        assertFalse(Files.exists(dir.resolve("n")));
        assertFalse(Files.exists(dir.resolve("t.old")));
    }

    @Test
    void recoverRestoresATreeLeftAsideByAnInterruptedReplace() throws IOException {
        Files.createDirectories(dir.resolve("t.old"));
        Files.writeString(dir.resolve("t.old/f"), "good");
        FileTrees.recover(dir.resolve("t"));
        assertEquals("good", Files.readString(dir.resolve("t/f")));
    }

    @Test
    void deleteDoesNotFollowSymlinks() throws IOException {
        Files.createDirectories(dir.resolve("keep"));
        Files.writeString(dir.resolve("keep/f"), "x");
        Files.createDirectories(dir.resolve("gone"));
        Files.createSymbolicLink(dir.resolve("gone/link"), dir.resolve("keep"));
        FileTrees.deleteRecursively(dir.resolve("gone"));
        assertEquals("x", Files.readString(dir.resolve("keep/f")));
    }
}
