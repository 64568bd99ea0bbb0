package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * The one golden-file harness: expected text under {@code src/test/resources/}, compared byte for byte (UTF-8).
 * With {@code -Dkimg.golden.update=true} every compared file is rewritten from the actual output (review the
 * diff). Without it a missing golden file fails the test, so deleting one can never turn a test green.
 */
public final class Golden {
    /** The system property that rewrites golden files instead of comparing them. */
    public static final String UPDATE_PROPERTY = "kimg.golden.update";

    static final Path RESOURCES = Path.of("src/test/resources");

    private Golden() {}

    /** A command line, one argument per line with a final newline, against {@code resource} (relative path). */
    public static void assertArgv(String resource, List<String> argv) {
        assertText(resource, String.join("\n", argv) + "\n");
    }

    /** {@code actual} against the file {@code resource}, relative to src/test/resources. */
    public static void assertText(String resource, String actual) {
        assertFile(RESOURCES.resolve(resource), actual);
    }

    /**
     * {@code actual} against {@code file} (any path), under the rule above.
     *
     * @throws AssertionFailedError when the file is missing (and not updating) or differs
     */
    public static void assertFile(Path file, String actual) {
        assertFile(file, actual, Boolean.getBoolean(UPDATE_PROPERTY));
    }

    static void assertFile(Path file, String actual, boolean update) {
        try {
            if (update) {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                Files.writeString(file, actual);
            }
            if (!Files.isRegularFile(file)) {
                throw new AssertionFailedError("golden file " + file + " is missing: run with -D" + UPDATE_PROPERTY
                        + "=true and review the new file");
            }
            assertEquals(Files.readString(file), actual, "golden file " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
