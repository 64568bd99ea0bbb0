package kimg.verb;

import java.util.List;
import kimg.Pipeline;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigInput;
import kimg.config.Settings;
import kimg.fs.ProjectLock;
import kimg.matrix.Matrix;
import kimg.matrix.MatrixPlan;

/**
 * {@code kimg matrix --arch=... --compiler=... --debug-variants=... -- CMD}: a build and a run per cell of the plan,
 * each a whole verb of its own (its own config with the cell's settings, logs and tools), then one table. The
 * matrix takes the project lock once for all its cells ({@link ProjectLock.Use#GUEST_BUILD}: no other kimg builds
 * or boots the project meanwhile, and its guests are not attachable with kimg ssh/gdb); the cells' own locks nest
 * inside it, which is what lets several of its guests run at once.
 *
 * @param base    the project, start directory and the settings flags given
 * @param force   -f count for each cell's build
 * @param jobs    make -j
 * @param guests  --guests: how many cells boot at once; null: as many as the cores hold guests of CPUs= vCPUs
 * @param debug   --debug (the console shows every command)
 * @param axes    architectures, compilers and debug variants
 * @param command the command run in each guest
 */
public record MatrixVerb(ConfigInput base, int force, int jobs, Integer guests, boolean debug, Matrix.Options axes,
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
        if (guests != null && guests < 1) {
            throw ConfigError.usage("kimg matrix --guests: needs a number of guests of at least 1, not " + guests);
        }
        // Bad axes (an architecture kimg cannot boot, an unknown compiler) are usage errors before any cell runs.
        // So is a cell whose config build would refuse (no debug fragment, an x86 config for arm64).
        Matrix.checkCells(base, MatrixPlan.of(axes.architectures(), axes.compilers(), axes.debugs()));
        int parallel = guests != null ? guests
                : MatrixPlan.parallelGuests(Runtime.getRuntime().availableProcessors(), config.get(Settings.CPUS));
        return Prepared.steps(List.of(), ProjectLock.Use.GUEST_BUILD, context -> Matrix.run(base, force, jobs,
                parallel, axes, command, context.out(), System.err,
                (verb, input, out, err) -> Pipeline.run(verb, input, debug, out, err)));
    }
}
