package kimg.verb;

import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.config.ConfigError;
import kimg.config.Setting;
import kimg.vm.VmRunner;

/**
 * {@code kimg run -- CMD}: boot, run CMD in the guest as root, power off; the exit status is CMD's.
 *
 * @param options the build to run first when one is needed (-f, -c, -j; never -i)
 * @param noBuild --no-build: boot what exists, saying when it is stale
 * @param command the guest command and its arguments
 */
public record RunVerb(BuildOptions options, boolean noBuild, List<String> command) implements Verb {
    public RunVerb {
        command = List.copyOf(command);
    }

    @Override
    public String name() {
        return "run";
    }

    @Override
    public List<Setting.Use> uses() {
        return Boot.USES;
    }

    @Override
    public Prepared prepare(Config config) {
        if (command.isEmpty()) {
            // Before the lock, the logs and any build: the answer does not depend on them.
            throw ConfigError.usage("kimg run needs a command: kimg run -- COMMAND [ARGS...]");
        }
        return Boot.guest(config, options, noBuild, (c, exec, inputs, out) ->
                kimg.RunExitStatus.of(VmRunner.run(c, exec, inputs, command, out), c.get(Settings.ALLOW_WARNINGS)));
    }
}
