package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Golden command lines: src/test/resources/image/NAME.argv holds the expected argv, one argument per line.
 * Run with -Dkimg.updateGoldens=true to rewrite them after an intended change (then review the diff).
 */
final class Golden {
    private static final Path DIR = Path.of("src/test/resources/image");

    private Golden() {}

    static void assertArgv(String name, List<String> actual) {
        Path file = DIR.resolve(name + ".argv");
        try {
            if (Boolean.getBoolean("kimg.updateGoldens")) {
                Files.createDirectories(DIR);
                Files.writeString(file, String.join("\n", actual) + "\n");
            }
            List<String> expected = Files.readAllLines(file);
            assertEquals(String.join("\n", expected), String.join("\n", actual), "golden " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("missing golden " + file + " (run with -Dkimg.updateGoldens=true)", e);
        }
    }
}
