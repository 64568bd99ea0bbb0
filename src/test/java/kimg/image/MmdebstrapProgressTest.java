package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** mmdebstrap's progress, read from a recorded {@code mmdebstrap --verbose --variant=minbase bookworm} run. */
class MmdebstrapProgressTest {
    static final Path SAMPLE = Path.of("src/test/resources/progress/mmdebstrap-verbose.log");

    @Test
    void countsPackagesUnpackedAgainstBothAptRuns() throws IOException {
        List<String> lines = Files.readAllLines(SAMPLE);
        var p = new MmdebstrapProgress();
        int essentialDone = -1;
        for (int i = 0; i < lines.size(); i++) {
            p.line(lines.get(i));
            if (lines.get(i).startsWith("I: installing remaining packages")) {
                essentialDone = i;
                // The first apt run announced 69 packages, and dpkg unpacked all of them.
                assertEquals("installing remaining packages inside the chroot, 69/69 packages unpacked",
                        p.status(Duration.ZERO));
            }
        }
        assertEquals(true, essentialDone > 0);
        assertEquals(99, p.total());
        assertEquals(99, p.unpacked());
        assertEquals("cleaning package lists and apt cache, 99/99 packages unpacked", p.status(Duration.ZERO));
        assertEquals("99 packages", p.summary());
    }

    @Test
    void beforeAptSpeaksOnlyThePhaseIsShown() {
        var p = new MmdebstrapProgress();
        p.line("I: automatically chosen mode: root");
        p.line("I: running apt-get update...");
        assertEquals("running apt-get update", p.status(Duration.ZERO));
        assertEquals("", p.summary());
    }
}
