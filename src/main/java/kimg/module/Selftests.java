package kimg.module;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;

/**
 * The kernel selftests a build asks for (mkosi-kernel's environment contract): {@code SELFTESTS=1} builds them,
 * {@code SELFTESTS_TARGETS="a b"} names the collections under tools/testing/selftests (default: the suite's own
 * list), {@code SELFTESTS_SKIP_TARGETS=} the ones to leave out (default: the suite's, i.e. bpf). The values come
 * from Environment=, EnvironmentFiles= or mkosi.env.
 *
 * @param targets     the collections to build; empty: the suite's default list
 * @param skipTargets the collections to skip; empty: the suite's default
 */
public record Selftests(List<String> targets, Optional<List<String>> skipTargets) {
    /** Where the install goes, inside the kernel's build directory (the guest sees it under /work/build/kernel/). */
    public static final String INSTALL_DIRECTORY = "selftests";

    public Selftests {
        targets = List.copyOf(targets);
        skipTargets = skipTargets.map(List::copyOf);
    }

    /**
     * The request of {@code config}, checked against the tree: every named target must be a directory of
     * tools/testing/selftests with a Makefile. Names reach make's command line inside {@code TARGETS=}, where make
     * would expand {@code $(...)}: only plain relative paths are accepted.
     *
     * @return empty when SELFTESTS is unset or not 1/yes/true
     * @throws ConfigError naming where the value came from, before anything builds
     */
    public static Optional<Selftests> of(Config config, Path tree) {
        Map<String, String> env = config.environment();
        if (!EnvironmentSwitches.ON.contains(env.getOrDefault("SELFTESTS", "").strip().toLowerCase(java.util.Locale.ROOT))) {
            return Optional.empty();
        }
        List<String> targets = names(config, tree, env, "SELFTESTS_TARGETS");
        Optional<List<String>> skip = env.containsKey("SELFTESTS_SKIP_TARGETS")
                ? Optional.of(names(config, tree, env, "SELFTESTS_SKIP_TARGETS")) : Optional.empty();
        return Optional.of(new Selftests(targets, skip));
    }

    private static List<String> names(Config config, Path tree, Map<String, String> env, String key) {
        var out = new ArrayList<String>();
        Path suite = tree.resolve("tools/testing/selftests");
        for (String name : env.getOrDefault(key, "").strip().split("\\s+")) {
            if (name.isEmpty()) {
                continue;
            }
            if (!name.matches("[A-Za-z0-9_][A-Za-z0-9_.+/-]*") || name.contains("..")) {
                throw new ConfigError(config.environmentOrigin(key), "Environment", key + ": '" + name
                        + "' is not a selftests target name");
            }
            if (!Files.isRegularFile(suite.resolve(name).resolve("Makefile"))) {
                throw new ConfigError(config.environmentOrigin(key), "Environment", key + ": no selftests target '" + name
                        + "' (no " + suite.resolve(name).resolve("Makefile") + ")");
            }
            out.add(name);
        }
        return out;
    }


    /**
     * The variables of the kernel's own {@code kselftest-install} target (Makefile → tools/testing/selftests
     * install): it installs the uapi headers into the build directory first (O=/usr/include, which the tests
     * compile against), builds each target under O=/kselftest/ and installs them with run_kselftest.sh and
     * kselftest-list.txt into KSFT_INSTALL_PATH. FORCE_TARGETS=1: a target that fails to build fails the step
     * (the suite's default is to succeed when any one target built).
     */
    public List<String> makeArgs(Path buildDir) {
        var args = new ArrayList<String>();
        args.add("kselftest-install");
        if (!targets.isEmpty()) {
            args.add("TARGETS=" + String.join(" ", targets));
        }
        skipTargets.ifPresent(s -> args.add("SKIP_TARGETS=" + String.join(" ", s)));
        args.add("FORCE_TARGETS=1");
        args.add("KSFT_INSTALL_PATH=" + buildDir.resolve(INSTALL_DIRECTORY));
        return args;
    }
}
