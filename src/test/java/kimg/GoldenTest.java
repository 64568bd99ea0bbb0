package kimg;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** The golden harness itself: a missing file fails, a difference fails, updating writes and then passes. */
class GoldenTest {
    @TempDir
    Path dir;

    @Test
    void aMissingGoldenFileFailsAndIsNotCreated() {
        Path file = dir.resolve("gone.argv");
        var e = assertThrows(AssertionFailedError.class, () -> Golden.assertFile(file, "a\n", false));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dkimg.golden.update=true"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void aDifferentGoldenFileFails() throws IOException {
        Path file = Files.writeString(dir.resolve("x.argv"), "a\nb\n");
        assertThrows(AssertionFailedError.class, () -> Golden.assertFile(file, "a\nc\n", false));
        assertThrows(AssertionFailedError.class, () -> Golden.assertFile(file, "a\nb", false));
        assertDoesNotThrow(() -> Golden.assertFile(file, "a\nb\n", false));
    }

    @Test
    void updatingWritesTheActualTextIncludingMissingDirectories() throws IOException {
        Path file = dir.resolve("new/sub/y.argv");
        Golden.assertFile(file, "z\n", true);
        assertEquals("z\n", Files.readString(file));
        Golden.assertFile(file, "w\n", true);
        assertEquals("w\n", Files.readString(file));
    }

    @Test
    void theUpdatePropertyIsTheOneTheReadmeNames() throws IOException {
        assertEquals("kimg.golden.update", Golden.UPDATE_PROPERTY);
        assertTrue(Files.readString(Path.of("README.md")).contains("-D" + Golden.UPDATE_PROPERTY + "=true"));
    }
}
