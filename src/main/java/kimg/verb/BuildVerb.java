package kimg.verb;

import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ImageVersions;
import kimg.config.Setting;
import kimg.fs.ProjectLock;
import kimg.module.ModuleOutput;
import kimg.plan.Planner;
import kimg.ui.Console;

/**
 * {@code kimg build}: the modules, then the image, then the manifest.
 *
 * @param options           -i, the --MODULE flags, -c, -f, -j
 * @param wipeBuildDirectory -w: remove the build directories before building
 * @param autoBump          -B: write the (bumped) ImageVersion= to mkosi.version after a successful build
 */
public record BuildVerb(BuildOptions options, boolean wipeBuildDirectory, boolean autoBump) implements Verb {
    @Override
    public String name() {
        return "build";
    }

    @Override
    public List<Setting.Use> uses() {
        return List.of(Setting.Use.BUILD);
    }

    @Override
    public Prepared prepare(Config config) {
        Planner.checkBeforeBuild(config, options);
        // -i replaces no image: it runs beside a guest of the project (the edit-reload loop).
        ProjectLock.Use lock = options.incremental() ? ProjectLock.Use.MODULES : ProjectLock.Use.BUILD;
        return Prepared.steps(ToolsNeeded.forBuild(config, options), lock, context -> {
            ProjectBuild.Built built = ProjectBuild.run(context.config(), options, wipeBuildDirectory, context.exec());
            if (autoBump) {
                ImageVersions.write(context.config());
            }
            report(built, context.exec().console(), context.exec().logs().dir());
            return 0;
        });
    }

    private void report(ProjectBuild.Built built, Console c, java.nio.file.Path logs) {
        if (built.kernel() != null) {
            // -i builds and installs modules only: the bzImage is the last full build's.
            c.info(options.incremental()
                    ? "kernel " + built.kernel().release() + " modules: " + built.kernel().modulesDir()
                    : "kernel " + built.kernel().release() + ": " + built.kernel().bzImage());
        }
        for (ModuleOutput m : built.modules()) {
            c.info("module " + m.name() + ": " + m.destDir());
        }
        if (built.image() != null) {
            c.info("image (" + built.image().format() + (built.image().cacheHit() ? ", cache hit" : "") + "): "
                    + (built.image().output() != null ? built.image().output() : built.image().root()));
        }
        c.info("logs: " + logs);
    }
}
