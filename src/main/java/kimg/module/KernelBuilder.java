package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import kimg.config.Architecture;
import kimg.config.BuildOptions;
import kimg.config.BuildSource;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.FileTrees;
import kimg.fs.StagedReplace;
import kimg.host.HostTools;
import kimg.source.BuildIdentity;
import kimg.source.IdentityReuse;
import kimg.source.KernelCheckout;
import kimg.source.KernelSource;

/**
 * Builds the kernel out of tree: chooses the config ({@link KernelConfigChoice}) and the build directory
 * ({@link LocalVersion}), configures only when needed ({@link ReconfigureDecision}), runs make, and installs the
 * modules into the directory every LV shares. The source tree is never written to.
 *
 * <p>Layout, under {@code config.moduleBuildDirectory("kernel")}: {@code <LV>/} (or {@code default/}) is the O=
 * build directory; {@code modules/<release>/} the installed modules, replaced as a whole on each install.
 */
public final class KernelBuilder {
    private final Config config;
    private final BuildOptions options;
    private final Exec exec;
    private final Map<String, Duration> steps = new LinkedHashMap<>();
    /** The environment of every make: the compile farm's (DISTCC_HOSTS, ...), else empty. */
    private Map<String, String> makeEnvironment = Map.of();
    /** Where a kernel built by identity may come from without make (-f overrides it). */
    private final IdentityReuse.Scope reuse;

    private KernelBuilder(Config config, BuildOptions options, Exec exec) {
        this(config, options, exec, IdentityReuse.Scope.ANYWHERE);
    }

    private KernelBuilder(Config config, BuildOptions options, Exec exec, IdentityReuse.Scope reuse) {
        this.config = config;
        this.options = options;
        this.exec = exec;
        this.reuse = reuse;
    }

    /**
     * Builds the kernel of {@code BuildSources=...:kernel}. With {@code options.incremental()} only the modules are
     * rebuilt and installed (plus a configure if the config changed); the kernel image is left alone.
     *
     * @throws ConfigError when there is no kernel source or no kernel config
     * @throws StepFailed  when a make (or merge_config.sh, or depmod) fails
     */
    public static KernelArtifacts build(Config config, BuildOptions options, Exec exec) {
        return new KernelBuilder(config, options, exec).run();
    }

    /**
     * {@link #build}, with the kernel in the build directory itself ({@code kimg package}: the -devel tree,
     * Module.symvers and headers are read from it): a kernel only the store holds is built again there.
     */
    public static KernelArtifacts buildInBuildDirectory(Config config, BuildOptions options, Exec exec) {
        return new KernelBuilder(config, options, exec, IdentityReuse.Scope.BUILD_DIRECTORY).run();
    }

    /**
     * Chooses the config and the build directory and configures it if needed, without make: for tests, and for a
     * caller that only wants a .config (e.g. to edit it with menuconfig).
     *
     * @return the build directory, holding a current .config
     */
    public static Path configure(Config config, BuildOptions options, Exec exec) {
        return new KernelBuilder(config, options, exec).prepare().buildDir();
    }

    /**
     * A kernel build directory with a current .config, and how to run make there: for {@code kimg kconfig} and
     * {@code kimg devtools}.
     */
    public record ConfigDir(Path sourceTree, Path buildDir, Architecture arch, MakeCommands make) {}

    /** {@link #configure} with what it takes to run make in the build directory afterwards. */
    public static ConfigDir configured(Config config, BuildOptions options, Exec exec) {
        Prepared p = new KernelBuilder(config, options, exec).prepare();
        return new ConfigDir(p.tree(), p.buildDir(), p.arch(), p.make());
    }

    /**
     * A build directory with a current .config, and how to run make in it; {@code identity} when the kernel is built
     * by identity ({@link KernelCheckout#wanted}), else null.
     */
    private record Prepared(Path tree, LocalVersion lv, Path buildDir, Path modulesRoot, Architecture arch,
            MakeCommands make, BuildIdentity identity) {}

    private Prepared prepare() {
        Path kernelRoot = config.moduleBuildDirectory("kernel");
        HostTools.ensure("kernel", HostTools.KERNEL, exec);
        // By identity: the sources are kimg's worktree at KernelRef= (+ patches) or the user's tree, hashed.
        KernelSource source = KernelCheckout.wanted(config)
                ? KernelCheckout.prepare(config, sourceTree(config), kernelRoot, exec) : null;
        Path tree = source == null ? sourceTree(config) : source.tree();
        KernelConfigChoice choice = KernelConfigChoice.choose(config, options.kernelConfig(), tree);
        List<Path> fragments = KernelDebug.fragments(config, tree);
        Map<String, String> env = config.environment();
        LocalVersion lv = LocalVersion.of(tree, KernelDebug.localVersionLines(choice.lines(), fragments),
                env.get("LOCALVERSION"));
        Path buildDir = kernelRoot.resolve(source == null ? lv.directoryName() : identityBuildDirectory(source));
        Path modulesRoot = kernelRoot.resolve("modules");

        boolean ccache = MakeCommands.wantsCcache(env) && HostTools.onPath("ccache");
        if (MakeCommands.wantsCcache(env) && !ccache) {
            exec.console().warn("Environment=CCACHE=" + env.get("CCACHE") + " but ccache is not installed: building without it");
        }
        Architecture arch = config.architecture();
        List<String> variables = MakeCommands.variables(env, ccache, arch, Architecture.host());
        var farm = CompileFarm.of(config);
        if (farm.isPresent()) {
            HostTools.ensure("compile farm", List.of(farm.get().tool()), exec);
            variables = farm.get().makeVariables(variables, ccache);
            makeEnvironment = farm.get().environment(ccache);
        }
        var make = new MakeCommands(tree, buildDir, farm.map(CompileFarm::jobs).orElse(options.jobs()), variables);
        createDirectories(buildDir);
        createDirectories(modulesRoot);
        removeLeftovers(modulesRoot);

        KernelConfigStamp current = KernelConfigStamp.of(choice, fragments, make.variables());
        ReconfigureDecision decision = ReconfigureDecision.fromStamp(
                Files.isRegularFile(buildDir.resolve(".config")), KernelConfigStamp.read(buildDir), current);
        if (!decision.reconfigure() && !ReconfigureDecision.kconfigUnchanged(tree, buildDir)) {
            var started = java.nio.file.attribute.FileTime.from(java.time.Instant.now());
            var listed = exec.capture("kernel-listnewconfig", makeCmd(make.listNewConfig()));
            add("configure", listed.took());
            decision = ReconfigureDecision.fromNewSymbols(listed.output());
            if (!decision.reconfigure()) {
                ReconfigureDecision.recordNoNewSymbols(buildDir, started);
            }
        }
        if (decision.reconfigure()) {
            exec.console().info("kernel: configuring " + buildDir + " from " + choice.file() + " (" + decision.reason() + ")");
            configure(make, choice, fragments, buildDir);
            current.write(buildDir);
            if (options.incremental()) {
                exec.console().warn("kernel config changed but -i rebuilds only modules: the kernel image is stale"
                        + " until a build without -i");
            }
        }
        BuildIdentity identity = null;
        if (source != null) {
            identity = identify(source, buildDir, make, arch);
            lv = new LocalVersion(identity.localVersion());
        }
        return new Prepared(tree, lv, buildDir, modulesRoot, arch, make, identity);
    }

    /**
     * The one build directory of identity builds from kimg's worktree, and the one for the user's tree: every ref
     * and patch series goes through the same directory, so a switch recompiles only what differs (kbuild records
     * source paths, so the two trees cannot share one).
     */
    public static String identityBuildDirectory(KernelSource source) {
        return source.inWorktree() ? "worktree.o" : "local.o";
    }

    /**
     * The identity of the configured build, baked into its .config (CONFIG_LOCALVERSION); under -i the .config keeps
     * the identity it was built with, so modules keep the running kernel's vermagic.
     */
    private BuildIdentity identify(KernelSource source, Path buildDir, MakeCommands make, Architecture arch) {
        Path dotConfig = buildDir.resolve(".config");
        List<String> lines = readLines(dotConfig);
        BuildIdentity identity = BuildIdentity.of(source.readable(), source.treeHash(), lines, make.variables(),
                arch.kbuildArch());
        if (options.incremental()) {
            return BuildIdentity.ofLocalVersion(LocalVersion.configLocalVersion(lines)).orElse(identity);
        }
        List<String> baked = identity.bakedInto(lines);
        if (!baked.equals(lines)) {
            try {
                Files.write(dotConfig, baked, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        exec.console().info("kernel: identity " + identity.name() + " (" + source.tree() + ")");
        return identity;
    }

    private KernelArtifacts run() {
        Prepared p = prepare();
        Path tree = p.tree();
        LocalVersion lv = p.lv();
        Path buildDir = p.buildDir();
        Path modulesRoot = p.modulesRoot();
        Architecture arch = p.arch();
        MakeCommands make = p.make();
        // Checked before make: a misspelt target must not cost a kernel build first.
        Optional<Selftests> selftests = Selftests.of(config, tree);
        if (p.identity() != null && !options.incremental()) {
            var reused = IdentityReuse.lookup(p.identity(), buildDir, modulesRoot, arch, KernelCheckout.store(config),
                    options.force() > 0 ? IdentityReuse.Scope.NONE : reuse, exec.console());
            if (reused.isPresent()) {
                return artifacts(reused.get().release(), lv, tree, buildDir, reused.get().image(),
                        reused.get().vmlinux(), reused.get().systemMap(), reused.get().modulesRoot(),
                        reused.get().identity(), reused.get().inBuildDirectory());
            }
            IdentityReuse.forget(buildDir);
        }

        KconfigValues finalConfig = KconfigValues.parse(readLines(buildDir.resolve(".config")));
        boolean modules = finalConfig.valueOf("CONFIG_MODULES").equals("y");
        boolean neverLinked = modules && KernelGoals.neverLinked(buildDir);
        // The identity in use may have come from the store (or the last build did not finish): then the build
        // directory's objects and Module.symvers are another kernel's, and modules built on them would not match
        // the one that boots.
        Optional<String> lastBuilt = p.identity() == null ? Optional.empty() : IdentityReuse.lastBuilt(buildDir);
        boolean otherBuild = modules && p.identity() != null && !lastBuilt.equals(Optional.of(p.identity().name()));
        if (options.incremental() && neverLinked) {
            exec.console().warn("kernel: -i but no kernel was ever built in " + buildDir + ": building it whole once");
        } else if (options.incremental() && otherBuild) {
            exec.console().warn("kernel: -i but " + buildDir + " last built " + lastBuilt.orElse("no complete kernel")
                    + ", not " + p.identity().name() + ": building it whole once");
        }
        List<String> goals = KernelGoals.of(arch.imageTarget(), finalConfig, options.incremental(),
                neverLinked || otherBuild, HostTools.onPath("python3"));
        if (goals.isEmpty()) {
            exec.console().warn("kernel: -i with CONFIG_MODULES unset: nothing to build");
        } else {
            java.time.Instant started = java.time.Instant.now();
            boolean fromScratch = KernelMakeProgress.fromScratch(buildDir);
            var progress = KernelMakeProgress.in(buildDir);
            exec.console().watch("kernel-make", progress);
            add("make", exec.run("kernel-make", makeCmd(make.build(goals))).took());
            progress.record(buildDir, fromScratch);
            if (goals.contains(arch.imageTarget())) {
                // -i leaves the kernel image as it was: only a whole build brings it up to the sources.
                KernelBuildStamp.write(buildDir, started);
            }
        }

        Path releaseFile = buildDir.resolve("include/config/kernel.release");
        if (!Files.isRegularFile(releaseFile)) {
            throw StepFailed.because("kernel-make", "no " + releaseFile + ": build the kernel once without -i");
        }
        String release = readLines(releaseFile).get(0).strip();
        Path modulesDir = modulesRoot.resolve(release);
        if (modules) {
            String fullReason = fullInstallReason(finalConfig, tree, buildDir, modulesDir);
            if (fullReason == null) {
                updateModules(make, buildDir, modulesRoot, release, ModuleSigning.of(finalConfig, tree, buildDir));
            } else {
                if (exec.console().debug()) {
                    exec.console().info("kernel: make modules_install (" + fullReason + ")");
                }
                installModules(make, modulesRoot, release);
            }
        } else {
            createDirectories(modulesDir);
        }

        // After the kernel (the tests compile against its installed uapi headers); -i --kernel rebuilds them too,
        // make keeping it incremental.
        if (selftests.isPresent()) {
            add("selftests", exec.run("kernel-selftests", makeCmd(make.selftestsInstall(selftests.get()))).took());
        }

        if (p.identity() != null && goals.contains(arch.imageTarget()) && options.incremental()) {
            IdentityReuse.markBuilt(p.identity(), buildDir);
        } else if (p.identity() != null && goals.contains(arch.imageTarget())) {
            long t0 = System.nanoTime();
            IdentityReuse.remember(p.identity(), release, buildDir, arch, modulesDir, KernelCheckout.store(config));
            add("store", Duration.ofNanos(System.nanoTime() - t0));
        }
        return artifacts(release, lv, tree, buildDir, buildDir.resolve(arch.imagePath()), buildDir.resolve("vmlinux"),
                buildDir.resolve("System.map"), modulesRoot, p.identity(), true);
    }

    /**
     * What the build produced; the image, vmlinux, System.map and modules may come from the store (a reuse hit),
     * and then the build directory's compile_commands.json and gdb scripts, which belong to its last build, are
     * left out.
     */
    private KernelArtifacts artifacts(String release, LocalVersion lv, Path tree, Path buildDir, Path image,
            Path vmlinux, Path systemMap, Path modulesRoot, BuildIdentity identity, boolean fromBuildDirectory) {
        Path compileCommands = buildDir.resolve("compile_commands.json");
        Path gdbScript = buildDir.resolve("vmlinux-gdb.py");
        KconfigValues finalConfig = KconfigValues.parse(readLines(buildDir.resolve(".config")));
        return new KernelArtifacts(
                release,
                lv.value(),
                tree,
                buildDir,
                image,
                vmlinux,
                systemMap,
                modulesRoot,
                modulesRoot.resolve(release),
                fromBuildDirectory && Files.exists(compileCommands) ? compileCommands : null,
                fromBuildDirectory && Files.exists(gdbScript) ? gdbScript : null,
                sha256(buildDir.resolve(".config")),
                unquote(finalConfig.valueOf("CONFIG_CC_VERSION_TEXT")),
                steps,
                identity == null ? null : identity.name());
    }

    /**
     * With a base: {@code make BASE}, merge the chosen file and the fragments, olddefconfig. Without: the chosen
     * file over the defaults (alldefconfig), then the fragments if any. Then warn about every requested symbol the
     * final .config does not have.
     */
    private void configure(MakeCommands make, KernelConfigChoice choice, List<Path> fragments, Path buildDir) {
        KernelConfigStamp.delete(buildDir);
        var merged = new ArrayList<Path>();
        if (choice.hasBase()) {
            add("configure", exec.run("kernel-config-base", makeCmd(make.baseConfig(choice.baseTargets()))).took());
            merged.add(choice.file());
        } else {
            add("configure", exec.run("kernel-alldefconfig", makeCmd(make.allDefConfig(choice.file()))).took());
        }
        merged.addAll(fragments);
        if (!merged.isEmpty()) {
            add("configure", exec.run("kernel-config-merge", makeCmd(make.mergeConfig(merged)).in(buildDir)).took());
            add("configure", exec.run("kernel-olddefconfig", makeCmd(make.olddefconfig())).took());
        }

        KconfigValues requested = KconfigValues.parse(choice.lines());
        for (Path f : fragments) {
            requested = requested.then(KconfigValues.parse(readLines(f)));
        }
        List<String> dropped = requested.droppedFrom(KconfigValues.parse(readLines(buildDir.resolve(".config"))));
        if (!dropped.isEmpty()) {
            int shown = Math.min(dropped.size(), 20);
            exec.console().warn("kernel: " + dropped.size() + " requested kconfig value(s) not in the final .config"
                    + " (unmet dependencies?): " + String.join(", ", dropped.subList(0, shown))
                    + (dropped.size() > shown ? ", ... (" + (dropped.size() - shown) + " more)" : ""));
        }
    }

    /**
     * modules_install into a staging directory next to the shared modules root, then swap the release directory
     * into place, so a guest (or an interrupted install) never sees a half-installed tree.
     */
    private void installModules(MakeCommands make, Path modulesRoot, String release) {
        Path staging;
        try {
            staging = Files.createTempDirectory(modulesRoot, ".install-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            add("modules_install", exec.run("kernel-modules-install", makeCmd(make.modulesInstall(staging))).took());
            Path installed = staging.resolve("lib/modules").resolve(release);
            if (!Files.isRegularFile(installed.resolve("modules.dep"))) {
                throw StepFailed.because("kernel-modules-install",
                        "modules_install wrote no modules.dep: depmod is missing (install kmod)");
            }
            // A running guest sees this directory through its /usr/lib/modules bind mount (modprobe after
            // `build -i`): swap it in whole, never half-installed.
            StagedReplace.commit(installed, modulesRoot.resolve(release));
        } finally {
            FileTrees.deleteRecursively(staging);
        }
    }

    /**
     * Why the modules need a whole {@code make modules_install} rather than {@link #updateModules}, or null: there
     * is no complete install yet, it belongs to another tree or build directory, or make does more to each module
     * than copy it and sign it with a key file (compression: CONFIG_MODULE_COMPRESS_*; a PKCS#11 signing key).
     */
    static String fullInstallReason(KconfigValues config, Path tree, Path buildDir, Path modulesDir) {
        try {
            ModuleSigning.of(config, tree, buildDir);
        } catch (IllegalStateException e) {
            return e.getMessage() + ": kbuild signs on install";
        }
        for (String c : List.of("GZIP", "XZ", "ZSTD")) {
            if (config.valueOf("CONFIG_MODULE_COMPRESS_" + c).equals("y")) {
                return "modules are compressed on install";
            }
        }
        if (!Files.isRegularFile(modulesDir.resolve("modules.dep"))) {
            return "no earlier install";
        }
        try {
            // kbuild writes the links with make's physical working directory: compare files, not spellings.
            if (!Files.isSameFile(modulesDir.resolve("build"), buildDir)
                    || !Files.isSameFile(modulesDir.resolve("source"), tree)) {
                return "the installed modules come from another build";
            }
        } catch (IOException e) {
            return "no build or source link";
        }
        return null;
    }

    /**
     * Brings an installed release directory up to date with the build: copies the modules that changed, runs
     * depmod only when its input changed ({@link ModuleTreeUpdate}). Every file is replaced by a rename, so a
     * running guest that loads a module meanwhile never reads half a file; what a whole install adds over this
     * (a fresh tree swapped in) is only worth its cost when the tree is new.
     */
    private void updateModules(MakeCommands make, Path buildDir, Path modulesRoot, String release,
            Optional<ModuleSigning> signing) {
        long t0 = System.nanoTime();
        Path releaseDir = modulesRoot.resolve(release);
        ModuleTreeUpdate update = ModuleTreeUpdate.between(buildDir, releaseDir, signing.isPresent());
        // As modules_install INSTALL_MOD_STRIP=1 does: strip the copy, then sign it (a signature covers the bytes
        // before it, so the other order would leave a module the kernel refuses).
        update.applyFiles(buildDir, releaseDir, ko -> {
            exec.run("kernel-module-strip", makeCmd(make.stripDebug(ko)));
            signing.ifPresent(s -> exec.run("kernel-module-sign", Cmd.of(s.argv(buildDir, ko)).in(buildDir)));
        });
        add("modules_install", Duration.ofNanos(System.nanoTime() - t0));
        if (exec.console().debug()) {
            exec.console().info("kernel: modules installed: " + update.copies().size() + " copied, "
                    + update.removals().size() + " removed; depmod: "
                    + update.depmod().orElse("skipped, no input of it changed"));
        }
        if (update.depmod().isPresent()) {
            // depmod reads <base>/lib/modules/<release>: a link to the release directory gives it that layout.
            Path base;
            try {
                base = Files.createTempDirectory(modulesRoot, ".install-");
                Files.createDirectories(base.resolve("lib/modules"));
                Files.createSymbolicLink(base.resolve("lib/modules").resolve(release), releaseDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                add("depmod", exec.run("kernel-depmod", makeCmd(make.depmod(base, release))).took());
            } finally {
                FileTrees.deleteRecursively(base);
            }
        }
    }

    /** Staging directories left by an interrupted install (StagedReplace.commit repairs an interrupted swap). */
    private static void removeLeftovers(Path modulesRoot) {
        try (Stream<Path> s = Files.list(modulesRoot)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".install-")).toList()) {
                FileTrees.deleteRecursively(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path sourceTree(Config config) {
        BuildSource src = config.sourceFor("kernel").orElseThrow(() -> new ConfigError(
                config.origin(Settings.BUILD_SOURCES), "BuildSources", "no kernel source: add BuildSources=<linux tree>:kernel"));
        Path tree = src.source().toAbsolutePath().normalize();
        if (!Files.isRegularFile(tree.resolve("Makefile")) || !Files.isDirectory(tree.resolve("scripts/kconfig"))) {
            throw new ConfigError(src.origin(), "BuildSources", tree + " is not a kernel source tree");
        }
        return tree;
    }

    private Cmd makeCmd(List<String> argv) {
        return Cmd.of(argv).withEnv(makeEnvironment);
    }

    private void add(String step, Duration took) {
        steps.merge(step, took, Duration::plus);
    }

    static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    static String sha256(Path file) {
        return KernelConfigStamp.sha256(file);
    }

    private static List<String> readLines(Path f) {
        try {
            return Files.readAllLines(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
