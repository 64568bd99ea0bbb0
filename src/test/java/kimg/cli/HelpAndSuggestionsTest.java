package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Typos get picocli's "did you mean"; --help lists the verb's options first, then the settings by kind. */
class HelpAndSuggestionsTest {
    @TempDir
    Path dir;

    @Test
    void aTypodVerbSuggestsTheVerb() {
        KimgRun r = KimgRun.in(dir, "biuld");
        assertEquals(2, r.status(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("'biuld' (did you mean build"), r::toString); // then bisect
    }

    @Test
    void aTypodOptionSuggestsTheOption() {
        KimgRun r = KimgRun.in(dir, "--pakages=vim", "summary");
        assertEquals(2, r.status(), r::toString);
        assertTrue(r.err().contains("did you mean --packages"), r::toString);
        KimgRun verbOption = KimgRun.in(dir, "summary", "--jsn");
        assertTrue(verbOption.err().contains("did you mean --json"), verbOption::toString);
    }

    @Test
    void buildHelpGroupsOptionsVerbFirstThenBuildRuntimeAndConfigSettings() {
        KimgRun r = KimgRun.in(dir, "build", "--help");
        assertEquals(0, r.status(), r::toString);
        String out = r.out();
        List<String> headings = List.of("Options of build:", "Global options:", "Build settings:",
                "Runtime settings:", "Config settings:", "Examples:");
        int at = -1;
        for (String h : headings) {
            int i = out.indexOf("\n" + h + "\n");
            assertTrue(i > at, h + " after the previous group in:\n" + out);
            at = i;
        }
        String verbGroup = out.substring(out.indexOf("Options of build:"), out.indexOf("Global options:"));
        assertTrue(verbGroup.contains("--incremental") && verbGroup.contains("--config"), verbGroup);
        assertTrue(out.substring(out.indexOf("Runtime settings:"), out.indexOf("Config settings:"))
                .contains("--ram"), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"build", "qemu", "run", "ssh", "gdb", "genkey", "summary", "cat-config", "clean",
            "completion"})
    void everyVerbHasTwoExamples(String verb) {
        String out = KimgRun.in(dir, verb, "--help").out();
        String examples = out.substring(out.indexOf("\nExamples:\n") + "\nExamples:\n".length());
        assertEquals(2, examples.lines().filter(l -> l.startsWith("  kimg ") || l.startsWith("  source ")).count(),
                out);
    }
}
