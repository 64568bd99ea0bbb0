package kimg.verb;

import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.fs.ProjectLock;
import kimg.pkg.KernelModules;
import kimg.pkg.PackageRun;
import kimg.pkg.PackageTools;

/**
 * {@code kimg package}: brings the kernel build up to date (nothing recompiled when it is) and packages it as
 * PackageFormat= says (signed RPMs and/or DEBs, -devel/headers, out-of-tree module packages, repositories). It
 * writes build directories and outputs, so it holds the build lock.
 *
 * @param options the kernel build's options (-c, -j, -f)
 */
public record PackageVerb(BuildOptions options) implements Verb {
    @Override
    public String name() {
        return "package";
    }

    @Override
    public List<Setting.Use> uses() {
        return List.of(Setting.Use.BUILD);
    }

    @Override
    public Prepared prepare(Config config) {
        // KernelModule= mistakes are configuration errors: found before the kernel build starts.
        KernelModules.of(config);
        kimg.pkg.ModuleSigningKey.checkGiven(config);
        return Prepared.steps(PackageTools.needed(config), ProjectLock.Use.BUILD,
                context -> PackageRun.run(context.config(), options, context.exec(), context.out()));
    }
}
