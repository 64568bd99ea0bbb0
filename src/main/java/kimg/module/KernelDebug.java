package kimg.module;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;

/**
 * The debug kernel ({@code Debug=yes}, or {@code Environment=DEBUG=1} as mkosi-kernel users write it): the
 * fragment {@value #FILE_NAME} merged after KernelConfigFragments=, found at the top of the kernel tree, else in
 * the project (kimg ships one at the top of its repository). Its CONFIG_LOCALVERSION gives the build its own
 * local version, so {@link LocalVersion} puts it in its own build directory and debug and plain builds coexist.
 */
public final class KernelDebug {
    public static final String FILE_NAME = "mkosi.kernel.debug.config";
    /**
     * Debug kernels (KASAN, lockdep) boot and run several times slower: RunTimeout= is multiplied by this for one.
     * Measured under TCG: a tinyconfig kernel with this fragment boots to its command in about 3x the plain one's
     * time, and a command that takes locks or allocates in a loop slows down more.
     */
    public static final int TIMEOUT_FACTOR = 4;

    private KernelDebug() {}

    /**
     * Debug=yes, or DEBUG= in Environment= (or an environment file) set to 1, yes, true or y (any case); 0, no,
     * false, n or empty is a plain kernel.
     *
     * @throws ConfigError naming the Environment= line (or EnvironmentFiles=) when DEBUG= is anything else: a
     *                     typo must not quietly build the plain kernel
     */
    public static boolean wanted(Config config) {
        String value = config.environment().get("DEBUG");
        String env = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (!EnvironmentSwitches.ON.contains(env) && !EnvironmentSwitches.OFF.contains(env)) {
            throw new ConfigError(config.environmentOrigin("DEBUG"), "Environment", "DEBUG=" + ConfigError.quote(value)
                    + " is not a debug switch: use 1, yes or true for a debug kernel; 0, no, false or empty for none");
        }
        return config.get(Settings.DEBUG) || EnvironmentSwitches.ON.contains(env);
    }

    /**
     * RunTimeout= as it applies to this boot: scaled by {@link #TIMEOUT_FACTOR} when the kernel is a debug one, so
     * that one setting fits a project's plain and debug kernels (and a matrix with both).
     *
     * @return the time after which {@code kimg run} stops the guest; empty without RunTimeout=
     */
    public static Optional<Duration> runTimeout(Config config) {
        return config.optional(Settings.RUN_TIMEOUT)
                .map(seconds -> Duration.ofSeconds((long) seconds * (wanted(config) ? TIMEOUT_FACTOR : 1)));
    }

    /**
     * Every fragment merged on top of the chosen config, in order: KernelConfigFragments= (absolute and existing:
     * the row's parser checked them), then the debug fragment when {@link #wanted}, then kimg kconfig's
     * {@code mkosi.kernel.local.config}.
     *
     * @throws ConfigError when a debug kernel is asked for and neither the tree nor the project has the fragment
     */
    public static List<Path> fragments(Config config, Path sourceTree) {
        var out = new ArrayList<Path>(config.items(Settings.KERNEL_CONFIG_FRAGMENTS));
        if (wanted(config)) {
            Path inTree = sourceTree.resolve(FILE_NAME);
            Path inProject = config.directory().resolve(FILE_NAME).toAbsolutePath().normalize();
            if (Files.isRegularFile(inTree)) {
                out.add(inTree);
            } else if (Files.isRegularFile(inProject)) {
                out.add(inProject);
            } else {
                boolean bySetting = config.get(Settings.DEBUG);
                throw new ConfigError(bySetting ? config.origin(Settings.DEBUG) : config.origin(Settings.ENVIRONMENT),
                        bySetting ? "Debug" : "Environment", "a debug kernel needs " + FILE_NAME + " in the kernel"
                                + " tree or the project (" + inProject + "); kimg's repository ships one to copy");
            }
        }
        // kimg kconfig's saved choices (mkosi.kernel.local.config) come last: they are the user's latest word.
        if (Files.isRegularFile(LocalKernelConfig.file(config))) {
            out.add(LocalKernelConfig.file(config));
        }
        return out;
    }

    /** The kconfig lines that decide the local version: the chosen config's, then each fragment's (last wins). */
    public static List<String> localVersionLines(List<String> choiceLines, List<Path> fragments) {
        var lines = new ArrayList<String>(choiceLines);
        for (Path f : fragments) {
            lines.addAll(KernelConfigChoice.read(f));
        }
        return lines;
    }
}
