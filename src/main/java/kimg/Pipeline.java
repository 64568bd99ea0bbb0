package kimg;

import kimg.config.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kimg.cli.ExitCode;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigLoader;
import kimg.config.Request;
import kimg.config.Summary;
import kimg.exec.Exec;
import kimg.exec.OwnedPaths;
import kimg.exec.HostTools;
import kimg.exec.ProjectLock;
import kimg.exec.StepLogs;
import kimg.exec.TreeRemoval;
import kimg.image.ImageArtifacts;
import kimg.image.ImageBuilder;
import kimg.image.SshKey;
import kimg.image.VirtiofsInitrd;
import kimg.manifest.Manifest;
import kimg.manifest.ManifestRecords;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;
import kimg.module.KernelConfigStamp;
import kimg.module.ModuleOutput;
import kimg.module.ModuleSelection;
import kimg.module.ScriptModuleBuilder;
import kimg.plan.BootDecision;
import kimg.config.BuildOptions;
import kimg.plan.BuildPlan;
import kimg.plan.PlanReport;
import kimg.plan.Planner;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.QemuListeners;
import kimg.vm.VmRunner;

/** Carries a {@link Request} through the stages: config → module → image → vm. Never sees picocli. */
public final class Pipeline {
    private Pipeline() {}

    /** What a build produced; kernel and image may be absent (no kernel source; -i or Format=none). */
    record Built(KernelArtifacts kernel, ImageArtifacts image, List<ModuleOutput> modules) {}

    public static int run(Request request, PrintStream out, PrintStream err) {
        Config config = ConfigLoader.load(request);
        // Warnings go to stderr for every verb, so that stdout of `summary --json` is JSON only.
        config.warnings().forEach(w -> err.println("warning: " + w));
        // Before any verb, so that summary rejects what build would.
        OutputLocations.check(config);
        QemuListeners.check(config);
        if (request.verb().equals("build")) {
            Planner.checkBeforeBuild(config, request.buildOptions());
        }
        if (request.verb().equals("run") && request.command().isEmpty()) {
            // Before the lock, the logs and any build: the answer does not depend on them.
            throw ConfigError.usage("kimg run needs a command: kimg run -- COMMAND [ARGS...]");
        }
        switch (request.verb()) {
            case "summary":
                if (request.plan()) {
                    BuildPlan plan = Planner.plan(config, request.buildOptions());
                    out.print(request.json() ? PlanReport.json(plan) : PlanReport.text(plan));
                    return ExitCode.OK.code;
                }
                out.print(request.json() ? Summary.json(config) : Summary.text(config));
                return ExitCode.OK.code;
            case "cat-config":
                catConfig(config, out);
                return ExitCode.OK.code;
            default:
                break;
        }
        Console console = Console.forTerminal(request.debug(), err);
        Exec exec = new Exec(StepLogs.under(config.outputDirectory().resolve("logs")), console);
        VerbTools.check(config, request, System.getenv(), exec);
        switch (request.verb()) {
            case "clean":
                clean(config, request, exec);
                return ExitCode.OK.code;
            case "genkey":
                // The same pair an Ssh=yes build would make; an existing key is kept (mkosi's genkey needs -f).
                try (ProjectLock lock = lock(config, ProjectLock.Use.MODULES, "kimg genkey", console)) {
                    out.println(SshKey.ensure(config.directory(), exec));
                }
                return ExitCode.OK.code;
            case "build": {
                Built built;
                // -i replaces no image: it runs beside a guest of the project (the edit-reload loop).
                try (ProjectLock lock = lock(config, request.incremental() ? ProjectLock.Use.MODULES
                        : ProjectLock.Use.BUILD, "kimg build", console)) {
                    built = build(config, request, exec);
                }
                if (request.autoBump()) {
                    kimg.config.ImageVersions.write(config);
                }
                report(built, request, exec);
                return ExitCode.OK.code;
            }
            case "qemu":
            case "run": {
                // One guest per project (first, so a second guest fails before building); the image is shared
                // with ssh/gdb and kept from builds while it runs.
                try (ProjectLock guest = lock(config, ProjectLock.Use.GUEST, "kimg " + request.verb(), console)) {
                    Config ported = GuestPorts.choose(config, console);
                    guest.note(ProjectLock.Part.GUEST, GuestPorts.record(ported));
                    return boot(ported, request, exec, out);
                }
            }
            case "bisect":
                return BisectVerb.run(config, request, exec, out);
            case "gdb":
            case "ssh":
                try (ProjectLock attached = lock(config, ProjectLock.Use.ATTACH, "kimg " + request.verb(), console)) {
                    String guest = ProjectLock.holderOf(config.directory(), ProjectLock.Part.GUEST);
                    return boot(GuestPorts.recorded(config, guest), request, exec, out);
                }
            default:
                throw ConfigError.usage("unknown verb '" + request.verb() + "'");
        }
    }

    /** Modules first (kernel, then the others in order), then the image with their outputs; then the manifest. */
    static Built build(Config config, Request request, Exec exec) {
        if (request.wipeBuildDirectory()) {
            // -w: a clean out-of-tree build; the build root is kimg's own (<BuildDirectory>/<dist>~<rel>~<arch>).
            if (Files.exists(config.buildRoot())) {
                OwnedPaths.delete("wipe", config.buildRoot(), Pipeline::madeByOlderKimg);
            }
        }
        BuildOptions options = request.buildOptions();
        List<ModuleSelection.Selected> selected = ModuleSelection.select(config, options.selectedModules());
        if (!selected.isEmpty()) {
            // Stamped as kimg's when kimg creates it: clean -f deletes it only then.
            OwnedPaths.createDirectory(config.buildRoot(), Pipeline::madeByOlderKimg);
        }
        KernelArtifacts kernel = null;
        Path overlay = null;
        List<ModuleOutput> modules = new ArrayList<>();
        for (ModuleSelection.Selected m : selected) {
            if (m.isKernel()) {
                kernel = options.incremental() ? KernelBuilder.build(config, options, exec)
                        : BaseTreeAlongside.kernel(config, options, exec);
                continue;
            }
            if (overlay == null && m.definition().map(d -> d.runsInImage()).orElse(false)) {
                overlay = ImageBuilder.buildOverlay(config, options, exec);
            }
            modules.add(ScriptModuleBuilder.build(config, options, exec, m, overlay));
        }
        Optional<Manifest> previous = Manifest.read(config.outputDirectory());
        ImageArtifacts image = null;
        if (!request.incremental() && !config.format().equals("none")) {
            var overlays = new ArrayList<ImageBuilder.Overlay>();
            if (kernel != null) {
                overlays.add(new ImageBuilder.Overlay(kernel.modulesDir(), "/usr/lib/modules/" + kernel.release()));
            }
            for (ModuleOutput o : modules) {
                overlays.add(new ImageBuilder.Overlay(o.destDir(), "/"));
            }
            image = ImageBuilder.build(config, options, exec, overlays);
        }
        // -i builds only modules: keep what the manifest said about the image (and a kernel not rebuilt now).
        Manifest manifest = ManifestRecords.of(config, request.incremental(), kernel, image, modules, exec.logs().records(), previous);
        OwnedPaths.requireOwned("manifest", manifestFile(config), Pipeline::isManifest);
        OwnedPaths.claim(manifestFile(config));
        manifest.write(config.outputDirectory());
        return new Built(kernel, image, modules);
    }

    /** qemu, run, gdb and ssh boot what the last build made; they build first when -f is given or nothing was. */
    private static int boot(Config config, Request request, Exec exec, PrintStream out) {
        KernelArtifacts kernel;
        ImageArtifacts image;
        Optional<Manifest> manifest = Manifest.read(config.outputDirectory());
        boolean anyBuilt = manifest.isPresent() && manifest.get().image() != null
                && Files.isDirectory(Path.of(manifest.get().image().root()));
        boolean needsBuild;
        if (request.verb().equals("gdb") || request.verb().equals("ssh")) {
            // They attach to the running guest: it booted what it booted.
            if (!anyBuilt || request.force() > 0) {
                throw ConfigError.usage("nothing to attach to: build and boot first (kimg -f qemu with "
                        + (request.verb().equals("gdb") ? "QemuArgs=-s)" : "Ssh=yes)"));
            }
            needsBuild = false;
        } else {
            BootDecision decision = bootDecision(config, request, manifest, anyBuilt);
            if (decision.message() != null) {
                if (decision.build()) {
                    exec.console().info(decision.message());
                } else {
                    exec.console().warn(decision.message());
                }
            }
            needsBuild = decision.build();
        }
        if (needsBuild) {
            Request asBuild = new Request("build", request.directory(), request.startDirectory(), request.overrides(),
                    request.force(), false, List.of(), request.kernelConfig(), request.jobs(), false,
                    request.debug(), List.of());
            Built built;
            try (ProjectLock lock = ProjectLock.acquire(config.directory(), ProjectLock.Use.BUILD, "kimg build")) {
                built = build(config, asBuild, exec);
            }
            kernel = built.kernel();
            image = built.image();
            if (image == null) {
                throw ConfigError.usage("Format=none builds no image to boot; use -t directory");
            }
        } else {
            kernel = ManifestRecords.kernel(manifest.get()).orElse(null);
            image = ManifestRecords.image(manifest.get());
        }
        if (kernel == null && config.optional(Settings.LINUX).isEmpty()) {
            image = withKimgInitrd(config, image, exec);
        }
        BootInputs inputs = BootInputs.from(config, kernel, image);
        HostTools.ensure("qemu", HostTools.QEMU, exec);
        switch (request.verb()) {
            case "qemu":
                return VmRunner.qemu(config, exec, inputs);
            case "run":
                return VmRunner.run(config, exec, inputs, request.command(), out);
            case "gdb":
                HostTools.ensure("gdb", HostTools.GDB, exec);
                return VmRunner.gdb(config, exec, inputs, request.command());
            default:
                HostTools.ensure("ssh", HostTools.SSH, exec);
                return VmRunner.ssh(config, exec, inputs, request.command());
        }
    }

    /**
     * Asks the plan what is out of date (the cheap checks: stamps and mtimes, no make run), and refuses a boot that
     * can have no kernel before anything is built.
     */
    private static BootDecision bootDecision(Config config, Request request, Optional<Manifest> manifest,
            boolean anyBuilt) {
        BuildOptions options = new BuildOptions(false, List.of(), request.kernelConfig(), request.force(),
                request.jobs());
        BuildPlan plan;
        try {
            plan = Planner.plan(config, options);
        } catch (ConfigError e) {
            if (!request.noBuild() || !anyBuilt) {
                throw e;
            }
            // --no-build boots what exists even when a build could not start.
            return BootDecision.decide(List.of("cannot plan a build: " + e.getMessage()), true, 0, true);
        }
        boolean builtImageHasKernel = anyBuilt && manifest.get().image().distroKernel() != null;
        BootDecision.requireKernel(plan, config.optional(Settings.LINUX).isPresent(),
                config.items(Settings.PACKAGES), builtImageHasKernel);
        return BootDecision.decide(plan.staleParts(), anyBuilt, request.force(), request.noBuild());
    }

    /**
     * Without kernel sources the distribution's kernel boots; its own initrd looks for a block device, so kimg
     * makes one that mounts the root share (next to the image, rebuilt when the kernel changes).
     */
    private static ImageArtifacts withKimgInitrd(Config config, ImageArtifacts image, Exec exec) {
        if (image.distroKernel() == null) {
            throw ConfigError.usage("nothing to boot: no kernel source (BuildSources=<linux>:kernel), no Linux=,"
                    + " and the image has no kernel (add the distribution's kernel package to Packages=)");
        }
        String name = image.distroKernel().getFileName().toString();
        String release = name.startsWith("vmlinuz-") ? name.substring("vmlinuz-".length()) : name;
        Path initrd = config.outputDirectory().resolve(config.get(Settings.OUTPUT) + ".kimg-initrd-" + release + ".cpio");
        try {
            if (!Files.isRegularFile(initrd)
                    || Files.getLastModifiedTime(initrd).compareTo(Files.getLastModifiedTime(image.distroKernel())) < 0) {
                VirtiofsInitrd.build(image.root(), release, initrd, exec);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ImageArtifacts(image.root(), image.output(), image.format(), image.cacheKey(), image.cacheHit(),
                image.distroKernel(), initrd, image.steps());
    }

    private static Path manifestFile(Config config) {
        return config.outputDirectory().resolve(Manifest.FILE);
    }

    /** A manifest.toml from before ownership stamps is kimg's when it reads as kimg's manifest. */
    private static boolean isManifest(Path file) {
        return Manifest.read(file.getParent()).isPresent();
    }

    /**
     * A build directory from before ownership stamps is kimg's when it holds what kimg puts there: a kernel build
     * directory with kimg's config stamp, or a module's {@code destdir}.
     */
    static boolean madeByOlderKimg(Path buildRoot) {
        try (var children = Files.list(buildRoot)) {
            return children.anyMatch(module -> Files.isDirectory(module.resolve("destdir"))
                    || Files.isDirectory(module.resolve("modules")) && hasConfigStamp(module));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasConfigStamp(Path kernelRoot) {
        try (var lvs = Files.list(kernelRoot)) {
            return lvs.anyMatch(lv -> Files.isRegularFile(lv.resolve(KernelConfigStamp.FILE_NAME)));
        } catch (IOException e) {
            return false;
        }
    }

    /** clean: outputs; -f also the modules' build directories; -ff also the cached distribution trees. */
    private static void clean(Config config, Request request, Exec exec) {
        Console console = exec.console();
        try (ProjectLock lock = lock(config, ProjectLock.Use.BUILD, "kimg clean", console)) {
            ImageBuilder.clean(config, request.force() >= 2 ? 2 : 1, exec);
            OwnedPaths.delete("clean", manifestFile(config), Pipeline::isManifest);
            if (request.force() >= 1) {
                // Kernel build directories are gigabytes: a step of its own (rm -rf in a child), not a silent walk.
                OwnedPaths.requireOwned("clean", config.buildRoot(), Pipeline::madeByOlderKimg);
                TreeRemoval.remove(exec, "remove-build-directories", List.of(config.buildRoot()));
                OwnedPaths.release(config.buildRoot());
                console.info("removed " + config.buildRoot());
            }
            console.info("removed the outputs in " + config.outputDirectory()
                    + (request.force() >= 2 ? " and the caches in " + config.cacheDirectory() : ""));
        }
    }

    /** Takes the project's lock for {@code use}, saying where it is when the project directory is read-only. */
    private static ProjectLock lock(Config config, ProjectLock.Use use, String what, Console console) {
        if (ProjectLock.isElsewhere(config.directory())) {
            console.info("project directory " + config.directory() + " is read-only: its lock is "
                    + ProjectLock.fileOf(config.directory()));
        }
        return ProjectLock.acquire(config.directory(), use, what);
    }

    private static void report(Built built, Request request, Exec exec) {
        Console c = exec.console();
        if (built.kernel() != null) {
            // -i builds and installs modules only: the bzImage is the last full build's.
            c.info(request.incremental()
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
        c.info("logs: " + exec.logs().dir());
    }

    private static void catConfig(Config config, PrintStream out) {
        for (Path f : config.files()) {
            out.println("# " + f);
            try {
                out.print(Files.readString(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println();
        }
    }
}
