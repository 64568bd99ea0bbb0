package kimg.verb;

import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.fs.ProjectLock;
import kimg.host.HostTools.Tool;

/**
 * {@code kimg devtools}: compile_commands.json (and rust-project.json with CONFIG_RUST) in the kernel build
 * directory, and the clangd line that finds it (work in {@link kimg.kconfig.DevtoolsVerb}). Kernel build directory
 * only: the modules lock.
 *
 * @param build the kernel build's options (-c, -j)
 */
public record DevtoolsVerb(BuildOptions build) implements Verb {
    @Override
    public String name() {
        return "devtools";
    }

    @Override
    public List<Setting.Use> uses() {
        return List.of(Setting.Use.BUILD);
    }

    @Override
    public Prepared prepare(Config config) {
        return Prepared.steps(List.of(Tool.command("python3", "python3")), ProjectLock.Use.MODULES,
                context -> kimg.kconfig.DevtoolsVerb.run(context.config(), build, context.exec(), context.out()));
    }
}
