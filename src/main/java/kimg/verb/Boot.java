package kimg.verb;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kimg.GuestPorts;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Setting;
import kimg.config.Settings;
import kimg.exec.Exec;
import kimg.fs.ProjectLock;
import kimg.host.HostTools.Tool;
import kimg.host.HostTools;
import kimg.image.ImageArtifacts;
import kimg.image.VirtiofsInitrd;
import kimg.manifest.Manifest;
import kimg.manifest.ManifestRecords;
import kimg.module.KernelArtifacts;
import kimg.plan.BootDecision;
import kimg.plan.BuildPlan;
import kimg.plan.Planner;
import kimg.vm.BootInputs;

/**
 * What the verbs that start or attach to a guest share. {@code qemu} and {@code run} ask the plan, before the
 * lock, whether to build first, and then take the lock once for what they will do: the guest, plus the build
 * and the image exclusively while they build ({@link ProjectLock.Use#GUEST_BUILD}, narrowed to
 * {@link ProjectLock.Use#GUEST} once built). {@code ssh} and {@code gdb} attach to the running guest: it booted
 * what it booted.
 */
final class Boot {
    /** The boot verbs build (first, when needed) and boot: values kimg cannot do either with are refused. */
    static final List<Setting.Use> USES = List.of(Setting.Use.BUILD, Setting.Use.BOOT);

    private Boot() {}

    /** Starts the program of a verb (QEMU, the guest command, gdb, ssh) on what is booted. */
    @FunctionalInterface
    interface Launch {
        int start(Config config, Exec exec, BootInputs inputs, PrintStream out);
    }

    /**
     * {@code qemu} and {@code run}: decide whether to build first (the plan's cheap checks: stamps and mtimes, no
     * make run), refuse a boot that can have no kernel, and prepare the work.
     *
     * @param options the build to run first when one is needed (never -i)
     * @param noBuild --no-build: boot what exists even when it is out of date
     */
    static Prepared guest(Config config, BuildOptions options, boolean noBuild, Launch launch) {
        BootDecision decision = decide(config, options, noBuild, lastBuild(config));
        List<Tool> tools = ToolsNeeded.forGuest(config, decision.build(), options);
        // One guest per project (GUEST is taken first, so a second guest fails before building); while building
        // the guest also holds what a build holds, so no other kimg builds in between.
        ProjectLock.Use use = decision.build() ? ProjectLock.Use.GUEST_BUILD : ProjectLock.Use.GUEST;
        return Prepared.steps(tools, use, context -> {
            Exec exec = context.exec();
            Config ported = GuestPorts.choose(context.config(), exec.console());
            context.lock().note(ProjectLock.Part.GUEST, GuestPorts.record(ported));
            if (decision.message() != null) {
                if (decision.build()) {
                    exec.console().info(decision.message());
                } else {
                    exec.console().warn(decision.message());
                }
            }
            KernelArtifacts kernel;
            ImageArtifacts image;
            if (decision.build()) {
                ProjectBuild.Built built = ProjectBuild.run(ported, options, false, exec);
                // The image is the guest's now: `build -i` and ssh may start beside it, a full build may not.
                context.lock().narrow(ProjectLock.Use.GUEST);
                kernel = built.kernel();
                image = built.image();
                if (image == null) {
                    throw ConfigError.usage("Format=none builds no image to boot; use -t directory");
                }
            } else {
                Manifest last = lastBuild(ported).orElseThrow(() -> ConfigError.usage(
                        "nothing to boot: the last build's image is gone (removed by another kimg meanwhile?)"));
                kernel = ManifestRecords.kernel(last).orElse(null);
                image = ManifestRecords.image(last);
            }
            return launch.start(ported, exec, inputs(ported, kernel, image, exec), context.out());
        });
    }

    /**
     * {@code ssh} and {@code gdb}: attach to the running guest with the ports its lock record names.
     *
     * @param force number of -f: refused, there is nothing to build for an attached verb
     * @param hint  how to boot a guest this verb can attach to
     */
    static Prepared attached(Config config, int force, List<Tool> tools, String hint, Launch launch) {
        if (lastBuild(config).isEmpty() || force > 0) {
            throw ConfigError.usage("nothing to attach to: build and boot first (kimg -f qemu with " + hint + ")");
        }
        return Prepared.steps(tools, ProjectLock.Use.ATTACH, context -> {
            String guest = ProjectLock.holderOf(context.config().directory(), ProjectLock.Part.GUEST);
            Config ported = GuestPorts.recorded(context.config(), guest);
            Manifest last = lastBuild(ported).orElseThrow(() -> ConfigError.usage(
                    "nothing to attach to: the last build's image is gone"));
            KernelArtifacts kernel = ManifestRecords.kernel(last).orElse(null);
            ImageArtifacts image = ManifestRecords.image(last);
            return launch.start(ported, context.exec(), inputs(ported, kernel, image, context.exec()), context.out());
        });
    }

    /** The last build's manifest when it names an image tree that exists. */
    private static Optional<Manifest> lastBuild(Config config) {
        return Manifest.read(config.outputDirectory()).filter(m -> m.image() != null
                && Files.isDirectory(Path.of(m.image().root())));
    }

    /**
     * Asks the plan what is out of date, and refuses a boot that can have no kernel before anything is built.
     */
    private static BootDecision decide(Config config, BuildOptions options, boolean noBuild,
            Optional<Manifest> lastBuild) {
        boolean anyBuilt = lastBuild.isPresent();
        BuildPlan plan;
        try {
            plan = Planner.plan(config, options);
        } catch (ConfigError e) {
            if (!noBuild || !anyBuilt) {
                throw e;
            }
            // --no-build boots what exists even when a build could not start.
            return BootDecision.decide(List.of("cannot plan a build: " + e.getMessage()), true, 0, true);
        }
        boolean builtImageHasKernel = anyBuilt && lastBuild.get().image().distroKernel() != null;
        BootDecision.requireKernel(plan, config.optional(Settings.LINUX).isPresent(),
                config.items(Settings.PACKAGES), builtImageHasKernel);
        return BootDecision.decide(plan.staleParts(), anyBuilt, options.force(), noBuild);
    }

    /** The kernel, initrd and root tree to boot, and QEMU present to boot them. */
    private static BootInputs inputs(Config config, KernelArtifacts kernel, ImageArtifacts image, Exec exec) {
        if (kernel == null && config.optional(Settings.LINUX).isEmpty()) {
            image = withKimgInitrd(config, image, exec);
        }
        BootInputs inputs = BootInputs.from(config, kernel, image);
        HostTools.ensure("qemu", ToolsNeeded.qemu(config), exec);
        return inputs;
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
                VirtiofsInitrd.build(image.root(), release, initrd, exec, config.architecture());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ImageArtifacts(image.root(), image.output(), image.format(), image.cacheKey(), image.cacheHit(), image.distroKernel(), initrd, image.steps());
    }
}
