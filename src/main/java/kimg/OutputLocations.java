package kimg;

import java.nio.file.Path;
import java.util.List;
import kimg.config.BuildSource;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Setting;
import kimg.config.Settings;
import kimg.fs.ProtectedDirectories;

/**
 * Checks, before any step runs, that the directories kimg creates, replaces and deletes things in
 * (OutputDirectory=, CacheDirectory=, BuildDirectory= and its per-distribution subdirectory) are nowhere kimg must
 * not write: see {@link ProtectedDirectories}.
 */
final class OutputLocations {
    private OutputLocations() {}

    /** @throws ConfigError naming the setting and where it was set */
    static void check(Config config) {
        var sources = config.buildSources().stream().map(BuildSource::source).toList();
        for (Setting<Path> setting : List.of(Settings.OUTPUT_DIRECTORY, Settings.CACHE_DIRECTORY,
                Settings.BUILD_DIRECTORY)) {
            Path dir = config.get(setting);
            ProtectedDirectories.whyRefused(dir, config.directory(), sources).ifPresent(why -> {
                throw new ConfigError(config.origin(setting), setting.name(), dir + " " + why
                        + ": kimg creates and deletes files there");
            });
        }
        Path buildRoot = config.buildRoot().normalize();
        if (!buildRoot.getParent().equals(config.get(Settings.BUILD_DIRECTORY))) {
            throw new ConfigError(config.origin(Settings.RELEASE), "Release", "the build directory " + buildRoot
                    + " would not be a subdirectory of BuildDirectory=" + config.get(Settings.BUILD_DIRECTORY));
        }
    }
}
