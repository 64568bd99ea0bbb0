package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimg bisect}: its arguments are checked before anything runs (exit 2, one line). */
class BisectUsageTest {
    @TempDir
    Path tmp;

    @Test
    void aCommandIsRequired() {
        KimgRun r = KimgRun.in(tmp, "bisect", "v1", "v2");
        assertEquals(2, r.status(), r.toString());
    }

    @Test
    void theCommandFollowsDashesAfterTheRefs() throws Exception {
        Files.writeString(tmp.resolve("mkosi.conf"), "[Output]\nFormat=none\n");
        KimgRun r = KimgRun.in(tmp, "bisect", "v1", "v2", "--", "sh", "-c", "true");
        assertTrue(!r.err().contains("Expected parameter"), "GOOD BAD -- CMD parses: " + r);
        KimgRun none = KimgRun.in(tmp, "bisect", "v1", "v2", "--");
        assertEquals(2, none.status(), none.toString());
        assertTrue(none.err().contains("needs GOOD BAD -- COMMAND"), none.toString());
    }

    @Test
    void aRefThatLooksLikeAnOptionIsRefused() throws Exception {
        Files.writeString(tmp.resolve("mkosi.conf"), "[Output]\nFormat=none\n");
        KimgRun r = KimgRun.in(tmp, "bisect", "--", "--upload-pack=evil", "v2", "true");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("not a git ref"), r.toString());
    }
}
