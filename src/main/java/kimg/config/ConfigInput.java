package kimg.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the config loader needs besides the files: where the project is, where kimg was started, the settings
 * given as flags, and how the verb will use the result. The CLI makes one; tests make their own.
 *
 * @param directory      the project directory (-C), absolute
 * @param startDirectory where kimg was started (%D; relative command-line paths resolve here), absolute
 * @param overrides      setting name → values given as flags, in order (an empty string resets); applied at
 *                       the highest rank
 * @param uses           what the verb does with the config (build, boot): values kimg cannot do that with are
 *                       refused at load ({@link Config#checkUsable}); empty for verbs that only print
 */
public record ConfigInput(Path directory, Path startDirectory, Map<String, List<String>> overrides,
        List<Setting.Use> uses) {
    public ConfigInput {
        overrides = Map.copyOf(overrides);
        uses = List.copyOf(uses);
    }

    /** The project in {@code dir}, started there, no flags, no use checked (what {@code summary} loads). */
    public static ConfigInput of(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return new ConfigInput(abs, abs, Map.of(), List.of());
    }

    public ConfigInput withOverrides(Map<String, List<String>> o) {
        return new ConfigInput(directory, startDirectory, o, uses);
    }

    public ConfigInput withStartDirectory(Path start) {
        return new ConfigInput(directory, start.toAbsolutePath().normalize(), overrides, uses);
    }

    public ConfigInput withUses(List<Setting.Use> u) {
        return new ConfigInput(directory, startDirectory, overrides, u);
    }

    /** As loaded for {@code build}: values kimg cannot build are refused. */
    public ConfigInput forBuild() {
        return withUses(List.of(Setting.Use.BUILD));
    }

    /** As loaded for the boot verbs: values kimg cannot build or boot are refused. */
    public ConfigInput forBoot() {
        return withUses(List.of(Setting.Use.BUILD, Setting.Use.BOOT));
    }
}
