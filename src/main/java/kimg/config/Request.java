package kimg.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the user asked for, as the command line said it, before any config file is read. Built by {@code cli},
 * consumed by every later stage (the config loader applies {@code overrides} at the highest rank).
 *
 * @param verb             build, qemu, run, ssh, gdb, summary, cat-config, clean
 * @param directory        the project directory (-C), absolute
 * @param startDirectory   where kimg was started (%D; relative command-line paths resolve here)
 * @param overrides        setting name → values given as flags, in order (an empty string resets)
 * @param force            number of -f
 * @param incremental      -i: build only modules, never touch the image
 * @param selectedModules  the --MODULE flags given after build
 * @param kernelConfig     -c FILE, or null
 * @param jobs             parallel jobs, already resolved from auto|auto+1|N
 * @param json             summary --json
 * @param debug            --debug
 * @param command          the guest command for run (after --)
 * @param wipeBuildDirectory -w: remove the build directories before building
 * @param autoBump         -B: write the (bumped) ImageVersion= to mkosi.version after a successful build
 */
public record Request(
        String verb,
        Path directory,
        Path startDirectory,
        Map<String, List<String>> overrides,
        int force,
        boolean incremental,
        List<String> selectedModules,
        Path kernelConfig,
        int jobs,
        boolean json,
        boolean debug,
        List<String> command,
        boolean wipeBuildDirectory,
        boolean autoBump) {

    public Request {
        overrides = Map.copyOf(overrides);
        selectedModules = List.copyOf(selectedModules);
        command = List.copyOf(command);
    }

    /** A request without -w (tests, internal use). */
    public Request(String verb, Path directory, Path startDirectory, Map<String, List<String>> overrides, int force,
            boolean incremental, List<String> selectedModules, Path kernelConfig, int jobs, boolean json,
            boolean debug, List<String> command) {
        this(verb, directory, startDirectory, overrides, force, incremental, selectedModules, kernelConfig, jobs, json,
                debug, command, false, false);
    }

    /** A request for {@code verb} in {@code dir} with nothing else set (tests, internal use). */
    public static Request of(String verb, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return new Request(verb, abs, abs, Map.of(), 0, false, List.of(), null,
                Runtime.getRuntime().availableProcessors(), false, false, List.of());
    }

    public Request withOverrides(Map<String, List<String>> o) {
        return new Request(verb, directory, startDirectory, o, force, incremental, selectedModules, kernelConfig,
                jobs, json, debug, command, wipeBuildDirectory, autoBump);
    }
}
