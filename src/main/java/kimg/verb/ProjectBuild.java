package kimg.verb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kimg.BaseTreeAlongside;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.fs.OwnedPaths;
import kimg.image.ImageArtifacts;
import kimg.image.ImageBuilder;
import kimg.manifest.Manifest;
import kimg.manifest.ManifestRecords;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;
import kimg.module.KernelConfigStamp;
import kimg.module.ModuleOutput;
import kimg.module.ModuleSelection;
import kimg.module.ScriptModuleBuilder;

/**
 * A build of the project, as {@code build} and the boot verbs that build first run it: modules first (kernel,
 * then the others in order), then the image with their outputs, then the manifest. The caller holds the lock.
 */
final class ProjectBuild {
    private ProjectBuild() {}

    /** What a build produced; kernel and image may be absent (no kernel source; -i or Format=none). */
    record Built(KernelArtifacts kernel, ImageArtifacts image, List<ModuleOutput> modules) {}

    /** @param wipe -w: remove the build directories first (a clean out-of-tree build) */
    static Built run(Config config, BuildOptions options, boolean wipe, Exec exec) {
        if (wipe) {
            // -w: a clean out-of-tree build; the build root is kimg's own (<BuildDirectory>/<dist>~<rel>~<arch>).
            if (Files.exists(config.buildRoot())) {
                OwnedPaths.delete("wipe", config.buildRoot(), ProjectBuild::madeByOlderKimg);
            }
        }
        List<ModuleSelection.Selected> selected = ModuleSelection.select(config, options.selectedModules());
        if (!selected.isEmpty()) {
            // Stamped as kimg's when kimg creates it: clean -f deletes it only then.
            OwnedPaths.createDirectory(config.buildRoot(), ProjectBuild::madeByOlderKimg);
        }
        KernelArtifacts kernel = null;
        boolean baseTreeFresh = false;
        Path overlay = null;
        List<ModuleOutput> modules = new ArrayList<>();
        for (ModuleSelection.Selected m : selected) {
            if (m.isKernel()) {
                if (options.incremental()) {
                    kernel = KernelBuilder.build(config, options, exec);
                } else {
                    BaseTreeAlongside.Built built = BaseTreeAlongside.kernel(config, options, exec);
                    kernel = built.kernel();
                    baseTreeFresh = built.baseTreeFresh();
                }
                continue;
            }
            if (overlay == null && m.definition().map(d -> d.runsInImage()).orElse(false)) {
                overlay = ImageBuilder.buildOverlay(config, options, exec);
            }
            modules.add(ScriptModuleBuilder.build(config, options, exec, m, overlay));
        }
        Optional<Manifest> previous = Manifest.read(config.outputDirectory());
        ImageArtifacts image = null;
        if (!options.incremental() && !config.format().equals("none")) {
            var overlays = new ArrayList<ImageBuilder.Overlay>();
            if (kernel != null) {
                overlays.add(new ImageBuilder.Overlay(kernel.modulesDir(), "/usr/lib/modules/" + kernel.release()));
            }
            for (ModuleOutput o : modules) {
                overlays.add(new ImageBuilder.Overlay(o.destDir(), "/"));
            }
            image = ImageBuilder.build(config, options, exec, overlays, baseTreeFresh);
        }
        // -i builds only modules: keep what the manifest said about the image (and a kernel not rebuilt now).
        Manifest manifest = ManifestRecords.of(config, options.incremental(), kernel, image, modules,
                exec.logs().records(), previous);
        OwnedPaths.requireOwned("manifest", manifestFile(config), ProjectBuild::isManifest);
        OwnedPaths.claim(manifestFile(config));
        manifest.write(config.outputDirectory());
        return new Built(kernel, image, modules);
    }

    static Path manifestFile(Config config) {
        return config.outputDirectory().resolve(Manifest.FILE);
    }

    /** A manifest.toml from before ownership stamps is kimg's when it reads as kimg's manifest. */
    static boolean isManifest(Path file) {
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
}
