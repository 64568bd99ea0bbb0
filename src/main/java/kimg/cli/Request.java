package kimg.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.BuildOptions;
import kimg.config.ConfigInput;

/**
 * What the user asked for, as the command line said it, before any config file is read: the CLI's own record.
 * Nothing below {@code cli} sees it: the CLI turns it into a {@link kimg.verb.Verb} and a {@link ConfigInput}.
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
 * @param plan             summary --plan: print what a build would do instead of the settings
 * @param noBuild          qemu/run --no-build: boot what exists even when the plan says it is out of date
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
        boolean autoBump,
        boolean plan,
        boolean noBuild) {

    public Request {
        overrides = Map.copyOf(overrides);
        selectedModules = List.copyOf(selectedModules);
        command = List.copyOf(command);
    }

    Request withOverrides(Map<String, List<String>> o) {
        return new Request(verb, directory, startDirectory, o, force, incremental, selectedModules, kernelConfig,
                jobs, json, debug, command, wipeBuildDirectory, autoBump, plan, noBuild);
    }

    /** With a build's own options: -i (added to -R's), the --MODULE flags and -c. */
    Request withBuild(boolean i, List<String> modules, Path config) {
        return new Request(verb, directory, startDirectory, overrides, force, i, modules, config, jobs, json, debug,
                command, wipeBuildDirectory, autoBump, plan, noBuild);
    }

    /** With a guest verb's own options: the command after -- and --no-build. */
    Request withCommand(List<String> c, boolean noBuildGiven) {
        return new Request(verb, directory, startDirectory, overrides, force, incremental, selectedModules,
                kernelConfig, jobs, json, debug, c, wipeBuildDirectory, autoBump, plan, noBuildGiven);
    }

    /** With summary's own options: --json and --plan. */
    Request withSummary(boolean jsonGiven, boolean planGiven) {
        return new Request(verb, directory, startDirectory, overrides, force, incremental, selectedModules,
                kernelConfig, jobs, jsonGiven, debug, command, wipeBuildDirectory, autoBump, planGiven, noBuild);
    }

    /** With -B: the bumped ImageVersion= among the overrides. */
    Request withAutoBump(Map<String, List<String>> o) {
        return new Request(verb, directory, startDirectory, o, force, incremental, selectedModules, kernelConfig,
                jobs, json, debug, command, wipeBuildDirectory, true, plan, noBuild);
    }

    /** What the config loader gets of this request (the verb adds how it uses the config). */
    public ConfigInput configInput() {
        return new ConfigInput(directory, startDirectory, overrides, List.of());
    }

    /** What the build stages get of this request (they never see the verb, the directories or the overrides). */
    public BuildOptions buildOptions() {
        return new BuildOptions(incremental, selectedModules, kernelConfig, force, jobs);
    }
}
