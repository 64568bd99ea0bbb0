package kimg.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
    @TempDir
    Path dir;

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
