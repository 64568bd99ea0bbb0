package kimg.verb;

import java.util.List;
import kimg.Pipeline;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigInput;
import kimg.matrix.Matrix;
import kimg.matrix.MatrixPlan;

/**
 * {@code kimg matrix --arch=... --compiler=... --debug-variants=... -- CMD}: a build and a run per cell of the plan,
 * each a whole verb of its own (its own config with the cell's settings, its own lock, logs and tools), then one
 * table. The matrix itself holds no lock and runs no step.
 *
 * @param base    the project, start directory and the settings flags given
 * @param force   -f count for each cell's build
 * @param jobs    make -j
 * @param debug   --debug (the console shows every command)
 * @param axes    architectures, compilers and debug variants
 * @param command the command run in each guest
 */
public record MatrixVerb(ConfigInput base, int force, int jobs, boolean debug, Matrix.Options axes,
        List<String> command) implements Verb {
    public MatrixVerb {
        command = List.copyOf(command);
    }

    @Override
    public String name() {
        return "matrix";
    }

    @Override
    public Prepared prepare(Config config) {
        if (command.isEmpty()) {
            throw ConfigError.usage("kimg matrix needs a command: kimg matrix --arch ... -- COMMAND [ARGS...]");
        }
        // Bad axes (an architecture kimg cannot boot, an unknown compiler) are usage errors before any cell runs.
        MatrixPlan.of(axes.architectures(), axes.compilers(), axes.debugs());
        return Prepared.printing(context -> Matrix.run(base, force, jobs, axes, command, context.out(), System.err,
                (verb, input, out, err) -> Pipeline.run(verb, input, debug, out, err)));
    }
}
