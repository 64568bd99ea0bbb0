package kimg.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Architecture;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.host.HostTools;
import kimg.image.ImageBuilder;
import kimg.image.ImageStatus;
import kimg.manifest.Manifest;
import kimg.module.KconfigValues;
import kimg.module.KernelBuildStamp;
import kimg.module.KernelBuilder;
import kimg.module.KernelConfigChoice;
import kimg.module.KernelConfigStamp;
import kimg.module.KernelDebug;
import kimg.module.KernelGoals;
import kimg.module.LocalVersion;
import kimg.module.MakeCommands;
import kimg.module.ModuleSelection;
import kimg.module.ReconfigureDecision;
import kimg.source.IdentityReuse;
import kimg.source.KernelCheckout;

/**
 * {@code plan(Config, BuildOptions) → BuildPlan}: what a build would do and why, from the config and the files
 * the last build left (stamps, the manifest, mtimes). Pure in the sense that matters to a user: it starts no
 * process and writes nothing, so {@code summary --plan} and the boot verbs may call it freely.
 */
public final class Planner {
    private Planner() {}

    /**
     * @throws kimg.config.ConfigError when a build would stop on the config: no usable kernel source or kernel config, a
     *                     missing fragment, a named module that is not enabled or has no source, a bad Output=
     */
    /**
     * The checks of {@link #plan} that a build would otherwise meet only at its kernel step, without the
     * freshness scans: the kernel source is a kernel tree, the chosen kernel config exists and a debug kernel's
     * fragment too. {@code build} calls it before any step, so a wrong path fails at once instead of after
     * mmdebstrap.
     *
     * @throws kimg.config.ConfigError naming BuildSources= or the kernel config
     */
    public static void checkBeforeBuild(Config config, BuildOptions options) {
        for (ModuleSelection.Selected m : ModuleSelection.select(config, options.selectedModules())) {
            if (m.isKernel()) {
                kimg.module.KernelMakeEnvironment.check(config);
                KernelConfigChoice.choose(config, options.kernelConfig(), KernelBuilder.sourceTree(config));
                // DEBUG= is a known switch and a debug kernel's fragment exists, as the plan would find them.
                KernelDebug.fragments(config, KernelBuilder.sourceTree(config));
                kimg.module.Selftests.of(config, KernelBuilder.sourceTree(config));
            }
        }
    }

    public static BuildPlan plan(Config config, BuildOptions options) {
        List<ModuleSelection.Selected> selected = ModuleSelection.select(config, options.selectedModules());
        Optional<Manifest> manifest = Manifest.read(config.outputDirectory());
        BuildPlan.Kernel kernel = null;
        var modules = new ArrayList<BuildPlan.Module>();
        var overlays = new ArrayList<ImageBuilder.Overlay>();
        for (ModuleSelection.Selected m : selected) {
            if (m.isKernel()) {
                kernel = kernel(config, options, manifest);
                modulesOverlay(config, kernel).ifPresent(overlays::add);
                continue;
            }
            Path buildDir = config.moduleBuildDirectory(m.name());
            Path source = m.source().source().toAbsolutePath().normalize();
            boolean inImage = m.definition().map(d -> d.runsInImage()).orElse(false);
            modules.add(new BuildPlan.Module(m.name(), source, buildDir, inImage,
                    outputFreshness(source, buildDir.resolve("destdir"))));
            overlays.add(new ImageBuilder.Overlay(buildDir.resolve("destdir"), "/"));
        }
        BuildPlan.Image image = null;
        if (!options.incremental() && !config.format().equals("none")) {
            image = image(config, options, overlays, kernel, modules);
        }
        return new BuildPlan(kernel, modules, image);
    }

    static BuildPlan.Kernel kernel(Config config, BuildOptions options, Optional<Manifest> manifest) {
        kimg.module.KernelMakeEnvironment.check(config);
        Path tree = KernelBuilder.sourceTree(config);
        BuildPlan.Identity identity = null;
        Path kernelRoot = config.moduleBuildDirectory("kernel");
        if (KernelCheckout.wanted(config)) {
            identity = identity(config, kernelRoot);
            if (identity.worktree() != null && Files.isRegularFile(identity.worktree().resolve("Makefile"))) {
                tree = identity.worktree();
            }
        }
        KernelConfigChoice choice = KernelConfigChoice.choose(config, options.kernelConfig(), tree);
        List<String> choiceLines = choice.lines();
        Map<String, String> env = config.environment();
        List<Path> fragments = KernelDebug.fragments(config, tree);
        LocalVersion lv = LocalVersion.of(tree, KernelDebug.localVersionLines(choiceLines, fragments),
                env.get("LOCALVERSION"));
        Path buildDir = kernelRoot.resolve(identity == null ? lv.directoryName()
                : identity.worktree() != null ? "worktree.o" : "local.o");
        Architecture arch = config.architecture();
        boolean ccache = MakeCommands.wantsCcache(env) && HostTools.onPath("ccache");
        List<String> variables = MakeCommands.variables(env, ccache, arch, Architecture.host());

        KernelConfigStamp current = KernelConfigStamp.of(choice, fragments, variables);
        Path dotConfig = buildDir.resolve(".config");
        ReconfigureDecision decision = ReconfigureDecision.fromStamp(
                Files.isRegularFile(dotConfig), KernelConfigStamp.read(buildDir), current);
        String reconfigure = decision.reconfigure() ? decision.reason()
                : ReconfigureDecision.kconfigUnchanged(tree, buildDir) ? null
                : "if make listnewconfig finds new symbols (Kconfig files changed since the last configure)";

        KconfigValues finalConfig = KconfigValues.parse(Files.isRegularFile(dotConfig) && !decision.reconfigure()
                ? lines(dotConfig) : choiceLines);
        boolean modules = finalConfig.valueOf("CONFIG_MODULES").equals("y");
        List<String> goals = KernelGoals.of(arch.imageTarget(), finalConfig, options.incremental(),
                modules && KernelGoals.neverLinked(buildDir), HostTools.onPath("python3"));

        BuildPlan.Freshness freshness = identity != null && identity.worktree() != null
                // The worktree moves only when a build runs; whether that identity was built is known then.
                ? BuildPlan.Freshness.stale("built by identity: the checkout and the store lookup run at build time")
                : kernelFreshness(tree, buildDir, arch.imagePath(), decision, manifest);
        if (identity != null) {
            String last = lines(buildDir.resolve(IdentityReuse.MARK), "");
            identity = new BuildPlan.Identity(identity.ref(), identity.patches(), identity.series(),
                    identity.readable(), identity.worktree(), identity.store(), last.isEmpty() ? null : last, null, null);
        }
        return new BuildPlan.Kernel(tree, choice.file(), choice.chosenBy(), choice.baseTargets(), fragments, lv.value(),
                buildDir, variables, reconfigure, goals, freshness, identity);
    }

    /** The identity part of the plan, from the config alone: no git runs before a build. */
    static BuildPlan.Identity identity(Config config, Path kernelRoot) {
        boolean worktree = KernelCheckout.checksOut(config);
        return new BuildPlan.Identity(config.optional(Settings.KERNEL_REF).orElse(null),
                KernelCheckout.patchFiles(config.items(Settings.KERNEL_PATCHES)),
                config.optional(Settings.KERNEL_SERIES).orElse(null), KernelCheckout.readable(config),
                worktree ? kernelRoot.resolve(KernelCheckout.WORKTREE) : null, KernelCheckout.store(config).root(),
                null, null, null);
    }

    /**
     * The kernel the guest would boot is current when the build directory holds a kernel image made by a
     * successful make that started after every source file's last change, from the config the build would use,
     * and the last build's manifest names that build directory.
     */
    static BuildPlan.Freshness kernelFreshness(Path tree, Path buildDir, String imagePath,
            ReconfigureDecision decision, Optional<Manifest> manifest) {
        Path image = buildDir.resolve(imagePath);
        if (!Files.isRegularFile(image) || !Files.isRegularFile(buildDir.resolve("include/config/kernel.release"))) {
            return BuildPlan.Freshness.stale("never built");
        }
        if (decision.reconfigure()) {
            return BuildPlan.Freshness.stale(decision.reason());
        }
        FileTime since = KernelBuildStamp.read(buildDir).orElseGet(() -> mtime(image));
        TreeChanges changes = TreeChanges.since(tree, since);
        if (!changes.isEmpty()) {
            return BuildPlan.Freshness.stale(changes.reason());
        }
        if (manifest.isPresent() && manifest.get().image() != null) {
            Manifest.Kernel last = manifest.get().kernel();
            if (last == null) {
                return BuildPlan.Freshness.stale("the last build boots the distribution's kernel");
            }
            if (!Path.of(last.buildDir()).equals(buildDir)) {
                return BuildPlan.Freshness.stale("the last build boots the kernel of " + last.buildDir());
            }
        }
        return BuildPlan.Freshness.CURRENT;
    }

    /** A userspace module is current when its $DESTDIR was installed after every source file's last change. */
    static BuildPlan.Freshness outputFreshness(Path source, Path destDir) {
        if (!Files.isDirectory(destDir)) {
            return BuildPlan.Freshness.stale("never built");
        }
        if (!Files.isDirectory(source)) {
            return BuildPlan.Freshness.stale("its source " + source + " is missing");
        }
        TreeChanges changes = TreeChanges.since(source, mtime(destDir));
        return changes.isEmpty() ? BuildPlan.Freshness.CURRENT : BuildPlan.Freshness.stale(changes.reason());
    }

    static BuildPlan.Image image(Config config, BuildOptions options, List<ImageBuilder.Overlay> overlays,
            BuildPlan.Kernel kernel, List<BuildPlan.Module> modules) {
        ImageStatus status = ImageStatus.of(config, overlays);
        BuildPlan.Freshness freshness;
        if (!status.upToDate()) {
            freshness = BuildPlan.Freshness.stale(status.why());
        } else if (options.force() > 0) {
            freshness = BuildPlan.Freshness.stale(options.force() >= 2 ? "-ff: the caches are dropped"
                    : "-f: the output is rebuilt from the cache");
        } else {
            // Its own inputs are current, but a part whose output goes into it is rebuilt first.
            String upstream = kernel != null && !kernel.freshness().upToDate() ? "kernel"
                    : modules.stream().filter(m -> !m.freshness().upToDate()).map(BuildPlan.Module::name)
                            .findFirst().orElse(null);
            freshness = upstream == null ? BuildPlan.Freshness.CURRENT
                    : BuildPlan.Freshness.stale("rebuilt after " + upstream + ": its output goes into the image");
        }
        return new BuildPlan.Image(status.format(), status.root(), status.cacheKey(), status.cacheEntry(),
                status.cacheHit() && options.force() < 2, status.outputStamp(), freshness);
    }

    /** The installed modules of the last kernel build in {@code kernel}'s build directory, as the image gets them. */
    static Optional<ImageBuilder.Overlay> modulesOverlay(Config config, BuildPlan.Kernel kernel) {
        Path releaseFile = kernel.buildDir().resolve("include/config/kernel.release");
        if (!Files.isRegularFile(releaseFile)) {
            return Optional.empty();
        }
        String release = lines(releaseFile).stream().findFirst().orElse("").strip();
        Path dir = config.moduleBuildDirectory("kernel").resolve("modules").resolve(release);
        return release.isEmpty() ? Optional.empty()
                : Optional.of(new ImageBuilder.Overlay(dir, "/usr/lib/modules/" + release));
    }

    private static FileTime mtime(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lines(Path f, String otherwise) {
        return Files.isRegularFile(f) ? lines(f).stream().findFirst().orElse(otherwise).strip() : otherwise;
    }

    private static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
