package kimg.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The build request below {@code cli}: what the command line asked the build to do, without the verb, the
 * project directory or the setting overrides (those are in {@link Config} already). It lives in {@code config},
 * not {@code plan}: module and image take it too, and a stage imports only the stages to its left.
 *
 * @param incremental     -i: build only the modules, never the image
 * @param selectedModules the {@code --<module>} flags given (empty: every module with a source)
 * @param kernelConfig    -c FILE, absolute, or null
 * @param force           number of -f (1: rebuild the image from the cache; 2: also drop the caches)
 * @param jobs            parallel make jobs, at least 1
 */
public record BuildOptions(boolean incremental, List<String> selectedModules, Path kernelConfig, int force, int jobs) {
    public BuildOptions {
        selectedModules = List.copyOf(selectedModules);
        jobs = Math.max(1, jobs);
    }

    /** A plain {@code kimg build}: every module, the image, no -f. */
    public static BuildOptions defaults() {
        return new BuildOptions(false, List.of(), null, 0, Runtime.getRuntime().availableProcessors());
    }
}
