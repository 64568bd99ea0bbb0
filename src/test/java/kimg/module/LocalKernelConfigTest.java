package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kimg kconfig's fragment: what changed, how it accumulates, and that every configure merges it last. */
class LocalKernelConfigTest {
    private static KconfigValues of(String... lines) {
        return KconfigValues.parse(List.of(lines));
    }

    @Test
    void changesAreTheSymbolsWhoseValueMovedIncludingOnesNowUnset() {
        KconfigValues before = of("CONFIG_A=y", "CONFIG_B=m", "# CONFIG_C is not set", "CONFIG_D=y");
        KconfigValues after = of("CONFIG_A=y", "CONFIG_B=y", "CONFIG_C=m", "# CONFIG_D is not set", "CONFIG_E=y");
        assertEquals(Map.of("CONFIG_B", "y", "CONFIG_C", "m", "CONFIG_D", "n", "CONFIG_E", "y"),
                LocalKernelConfig.changes(before, after).values());
        assertEquals(Map.of("CONFIG_F", "n"), LocalKernelConfig.changes(of("CONFIG_F=y"), of()).values());
    }

    @Test
    void savingAddsToTheFileLaterValuesWinning(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(LocalKernelConfig.FILE_NAME);
        LocalKernelConfig.save(f, of("CONFIG_A=y", "CONFIG_B=m"));
        LocalKernelConfig.save(f, of("# CONFIG_A is not set", "CONFIG_C=y"));
        List<String> lines = Files.readAllLines(f);
        assertEquals(LocalKernelConfig.HEADER, lines.get(0));
        assertEquals(List.of("CONFIG_B=m", "# CONFIG_A is not set", "CONFIG_C=y"), lines.subList(1, lines.size()));
    }

    @Test
    void theFileIsMergedAfterKernelConfigFragmentsWhenItExists(@TempDir Path dir) throws Exception {
        Path frag = Files.writeString(dir.resolve("debug.config"), "CONFIG_KASAN=y\n");
        Config c = Config.ofValues(dir, Map.of("KernelConfigFragments", List.of(frag.toString())));
        assertEquals(List.of(frag), LocalKernelConfig.fragments(c));
        LocalKernelConfig.save(LocalKernelConfig.file(c), of("CONFIG_A=y"));
        assertEquals(List.of(frag, dir.resolve(LocalKernelConfig.FILE_NAME)), LocalKernelConfig.fragments(c));
        // A change to the file is a changed configure input: the next build reconfigures with it.
        var choice = new KernelConfigChoice(frag, "project", List.of());
        KernelConfigStamp first = KernelConfigStamp.of(choice, LocalKernelConfig.fragments(c), List.of());
        LocalKernelConfig.save(LocalKernelConfig.file(c), of("CONFIG_B=m"));
        assertTrue(KernelConfigStamp.of(choice, LocalKernelConfig.fragments(c), List.of()).changedSince(first)
                .contains(LocalKernelConfig.FILE_NAME));
    }
}
