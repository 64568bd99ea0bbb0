package kimg.verb;

import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Summary;
import kimg.plan.BuildPlan;
import kimg.plan.PlanReport;
import kimg.plan.Planner;

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

    @Override
    public Prepared prepare(Config config) {
        return Prepared.printing(context -> {
            if (plan) {
                BuildPlan p = Planner.plan(context.config(), options);
                context.out().print(json ? PlanReport.json(p) : PlanReport.text(p));
            } else {
                context.out().print(json ? Summary.json(context.config()) : Summary.text(context.config()));
            }
            return 0;
        });
    }
}
