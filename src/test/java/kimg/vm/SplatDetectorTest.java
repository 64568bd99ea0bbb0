package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import kimg.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Console recordings (src/test/resources/vm/splats/NAME.console) against what was found in them (NAME.expected). */
class SplatDetectorTest {
    static final Path SPLATS = Path.of("src/test/resources/vm/splats");

    static Stream<String> consoles() throws IOException {
        try (var s = Files.list(SPLATS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".console"))
                    .map(n -> n.substring(0, n.length() - ".console".length())).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("consoles")
    void findsEveryReportInTheRecording(String name) throws IOException {
        List<Splat> found = SplatDetector.scan(Files.readAllLines(SPLATS.resolve(name + ".console")));
        var text = new StringBuilder();
        for (Splat s : found) {
            text.append(s.kind()).append(" | ").append(s.title()).append(" | ").append(s.lines().size())
                    .append(" lines, first: ").append(s.lines().get(0)).append('\n');
        }
        Golden.assertText("vm/splats/" + name + ".expected", text.toString());
    }

    @Test
    void carriageReturnsOfTheSerialLineAreDropped() {
        List<Splat> found = SplatDetector.scan(List.of("[    1.0] kernel BUG at mm/slub.c:12!\r",
                "[    1.1] ---[ end trace 0000000000000000 ]---\r"));
        assertEquals(List.of("[    1.0] kernel BUG at mm/slub.c:12!", "[    1.1] ---[ end trace 0000000000000000 ]---"),
                found.get(0).lines());
    }

    @Test
    void aReportWithoutItsEndIsCutAtTheLimit() {
        var lines = new ArrayList<String>(List.of("BUG: scheduling while atomic: sh/91/0x00000002"));
        for (int i = 0; i < SplatDetector.MAX_LINES + 10; i++) {
            lines.add(" frame_" + i + "+0x1/0x2");
        }
        List<Splat> found = SplatDetector.scan(lines);
        assertEquals(1, found.size());
        assertEquals(SplatKind.BUG, found.get(0).kind());
        assertEquals(SplatDetector.MAX_LINES, found.get(0).lines().size());
    }

    @Test
    void anOopsThatNamesItselfTwiceIsOneReport() {
        List<Splat> found = SplatDetector.scan(List.of("BUG: unable to handle page fault for address: ffffffffff",
                "Oops: 0000 [#1] PREEMPT SMP NOPTI", "---[ end trace 0000000000000000 ]---"));
        assertEquals(1, found.size());
        assertEquals(SplatKind.OOPS, found.get(0).kind());
    }

    @Test
    void aNewHeaderEndsTheOpenReport() {
        List<Splat> found = SplatDetector.scan(List.of("WARNING: CPU: 0 PID: 1 at fs/inode.c:9 iput+0x1/0x2",
                "Kernel panic - not syncing: panic_on_warn set ..."));
        assertEquals(List.of(SplatKind.WARNING, SplatKind.PANIC), found.stream().map(Splat::kind).toList());
    }
}
