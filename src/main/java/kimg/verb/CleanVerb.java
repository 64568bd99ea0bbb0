package kimg.verb;

import java.util.List;
import kimg.config.Config;
import kimg.exec.TreeRemoval;
import kimg.fs.OwnedPaths;
import kimg.fs.ProjectLock;
import kimg.image.ImageBuilder;
import kimg.ui.Console;

/**
 * {@code kimg clean}: the outputs; -f also the modules' build directories; -ff also the cached distribution
 * trees. Only what kimg made is deleted.
 *
 * @param force number of -f
 */
public record CleanVerb(int force) implements Verb {
    @Override
    public String name() {
        return "clean";
    }

    @Override
    public Prepared prepare(Config config) {
        return Prepared.steps(List.of(), ProjectLock.Use.BUILD, context -> {
            Config c = context.config();
            Console console = context.exec().console();
            ImageBuilder.clean(c, force >= 2 ? 2 : 1, context.exec());
            OwnedPaths.delete("clean", ProjectBuild.manifestFile(c), ProjectBuild::isManifest);
            if (force >= 1) {
                // Kernel build directories are gigabytes: a step of its own (rm -rf in a child), not a silent walk.
                OwnedPaths.requireOwned("clean", c.buildRoot(), ProjectBuild::madeByOlderKimg);
                TreeRemoval.remove(context.exec(), "remove-build-directories", List.of(c.buildRoot()));
                OwnedPaths.release(c.buildRoot());
                console.info("removed " + c.buildRoot());
            }
            console.info("removed the outputs in " + c.outputDirectory()
                    + (force >= 2 ? " and the caches in " + c.cacheDirectory() : ""));
            return 0;
        });
    }
}
