package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Golden files for generated command lines: one argument per line under src/test/resources. Run with
 * {@code -Dkimg.golden.update=true} to rewrite them after a deliberate change, then review the diff.
 */
public final class Golden {
    private Golden() {}

    public static void assertArgv(String resource, List<String> argv) {
        assertText(resource, String.join("\n", argv) + "\n");
    }

    public static void assertText(String resource, String actual) {
        Path file = Path.of("src/test/resources").resolve(resource);
        try {
            if (Boolean.getBoolean("kimg.golden.update") || !Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual);
            }
            assertEquals(Files.readString(file), actual, "golden file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
