package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.fs.FileTrees;
import kimg.fs.StagedReplace;
import kimg.host.HostTools;

/**
 * Builds a userspace module (btrfs-progs, fstests, a user's own) by running its build script with mkosi's
 * contract in the module's persistent build directory. The install lands in a fresh {@code destdir.new} that
 * replaces {@code destdir} only when the script succeeded, so a failed build leaves the last good install (and
 * what a running guest sees at /work/build/<module>/destdir) intact.
 */
public final class ScriptModuleBuilder {
    private ScriptModuleBuilder() {}

    /**
     * @param overlayRoot the build overlay (image + BuildPackages=) for {@code .chroot} scripts; null runs
     *                    {@code .chroot} scripts is an error
     */
    public static ModuleOutput build(Config config, BuildOptions options, Exec exec, ModuleSelection.Selected module,
            Path overlayRoot) {
        var def = module.definition().orElseThrow();
        Path script = def.buildScript().orElseThrow(() -> new ConfigError(null, null,
                "module '" + module.name() + "' has no build script (mkosi.build or mkosi.build.chroot in "
                        + def.directory() + ")"));
        Path buildDir = config.moduleBuildDirectory(module.name());
        Path dest = buildDir.resolve("destdir");
        Path next = buildDir.resolve("destdir.new");
        Path artifacts = buildDir.resolve("artifacts");
        try {
            Files.createDirectories(buildDir);
            FileTrees.deleteRecursively(next);
            Files.createDirectories(next);
            Files.createDirectories(artifacts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // A host script compiles through the farm (CC=distcc ..., CC=icecc ...); a .chroot script has no network for it.
        var farm = CompileFarm.of(config).filter(f -> !module.definition().map(d -> d.runsInImage()).orElse(false));
        boolean ccache = MakeCommands.wantsCcache(config.environment());
        if (farm.isPresent()) {
            kimg.host.HostTools.ensure("compile farm", List.of(farm.get().tool()), exec);
        }
        var bs = new BuildScript(script, module.source().source(), buildDir, next, artifacts,
                farm.map(CompileFarm::jobs).orElse(options.jobs()),
                farm.map(f -> f.scriptEnvironment(config.environment(), ccache)).orElse(config.environment()),
                config.get(Settings.WITH_NETWORK));
        String step = "build-" + module.name();
        Instant start = Instant.now();
        Exec.Result r;
        if (def.runsInImage()) {
            if (overlayRoot == null) {
                throw new IllegalStateException("no build overlay for " + module.name());
            }
            HostTools.ensure(step, HostTools.SANDBOX, exec);
            // bwrap mounts the overlay read-only at / and then needs a /work in it to mount the contract paths on
            // (Debian 12's bwrap 0.8 has no overlay mounts). An empty directory changes nothing the cache key
            // covers, and every later run finds it there.
            try {
                Files.createDirectories(overlayRoot.resolve("work"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            r = exec.run(step, Cmd.of(bs.chrootArgv(overlayRoot)).in(buildDir));
        } else {
            r = exec.run(step, new Cmd(bs.hostArgv(), buildDir, bs.hostEnvironment(), false));
        }
        StagedReplace.commit(next, dest);
        return new ModuleOutput(module.name(), buildDir, dest, r.log(), Duration.between(start, Instant.now()));
    }
}
