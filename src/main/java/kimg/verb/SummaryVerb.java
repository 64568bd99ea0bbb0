package kimg.verb;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.config.Summary;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.fs.FileTrees;
import kimg.module.KernelBuilder;
import kimg.plan.BuildPlan;
import kimg.plan.PlanReport;
import kimg.plan.Planner;
import kimg.source.PlannedIdentity;
import kimg.ui.Console;

/**
 * {@code kimg summary}: the resolved settings, each with its origin, or ({@code --plan}) what a build with
 * {@code options} would do and why.
 *
 * @param options the build the plan is of (-i, -c, --MODULE)
 * @param plan    --plan
 * @param json    --json
 */
public record SummaryVerb(BuildOptions options, boolean plan, boolean json) implements Verb {
    @Override
    public String name() {
        return "summary";
    }

    /** The plan is of a build: settings kimg cannot build with (Architecture=riscv64) are refused as build does. */
    @Override
    public List<Setting.Use> uses() {
        return plan ? List.of(Setting.Use.BUILD) : List.of();
    }

    @Override
    public Prepared prepare(Config config) {
        return Prepared.printing(context -> {
            if (plan) {
                BuildPlan p = withPlannedIdentity(context.config(), Planner.plan(context.config(), options));
                context.out().print(json ? PlanReport.json(p) : PlanReport.text(p));
            } else {
                context.out().print(json ? Summary.json(context.config()) : Summary.text(context.config()));
            }
            return 0;
        });
    }

    /**
     * A kernel built by identity gets the name the build would give it: read-only git in a scratch directory of
     * its own (step logs included), removed afterwards, so summary still writes nothing of the project's.
     */
    private BuildPlan withPlannedIdentity(Config config, BuildPlan p) {
        BuildPlan.Kernel k = p.kernel();
        if (k == null || k.identity() == null) {
            return p;
        }
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("kimg-plan-");
            var exec = new Exec(new StepLogs(scratch.resolve("logs")),
                    Console.plain(new PrintStream(OutputStream.nullOutputStream())));
            PlannedIdentity.Result r = PlannedIdentity.of(config, KernelBuilder.sourceTree(config),
                    config.moduleBuildDirectory("kernel"), k.buildDir(), k.reconfigure() == null, k.makeVariables(),
                    config.architecture().kbuildArch(), options.incremental(), scratch.resolve("git"), exec);
            return new BuildPlan(k.withIdentity(k.identity().withPlanned(r.name(), r.why())), p.modules(), p.image());
        } catch (StepFailed e) {
            return new BuildPlan(k.withIdentity(k.identity().withPlanned(null, "git failed: " + e.getMessage())),
                    p.modules(), p.image());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (scratch != null) {
                FileTrees.deleteRecursively(scratch);
            }
        }
    }
}
