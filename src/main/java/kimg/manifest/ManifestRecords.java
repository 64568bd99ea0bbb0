package kimg.manifest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;
import kimg.module.ModuleOutput;

/** Between the stages' artifact records and the manifest: what is written, and what a boot reads back. */
public final class ManifestRecords {
    public static final String VERSION = "0.1.0";

    private ManifestRecords() {}

    /**
     * The manifest of a build. An -i build makes no image and may not rebuild the kernel: those parts are
     * carried over from {@code previous}, so the manifest always describes what a boot would use. A full build
     * without a kernel source has no kernel (the distribution's boots).
     */
    public static Manifest of(Config config, boolean incremental, KernelArtifacts kernel, ImageArtifacts image,
            List<ModuleOutput> modules, List<StepLogs.StepRecord> steps, Optional<Manifest> previous) {
        Manifest.Kernel k = kernel != null ? kernel(kernel)
                : incremental ? previous.map(Manifest::kernel).orElse(null) : null;
        Manifest.Image i = image != null ? image(image) : previous.map(Manifest::image).orElse(null);
        var mods = new LinkedHashMap<String, Manifest.Module>();
        previous.ifPresent(p -> {
            if (p.modules() != null) {
                p.modules().forEach(m -> mods.put(m.name(), m));
            }
        });
        modules.forEach(m -> mods.put(m.name(), new Manifest.Module(m.name(), s(m.buildDir()), s(m.destDir()))));
        var seconds = new LinkedHashMap<String, Double>();
        for (StepLogs.StepRecord r : steps) {
            seconds.merge(r.step(), r.duration().toMillis() / 1000.0, Double::sum);
        }
        return new Manifest(VERSION, Instant.now().toString(), config.distribution(), config.release(),
                config.architecture().toString(), k, i, List.copyOf(mods.values()), seconds);
    }

    static Manifest.Kernel kernel(KernelArtifacts k) {
        return new Manifest.Kernel(k.release(), k.localVersion(), s(k.sourceTree()), s(k.buildDir()), s(k.bzImage()),
                s(k.vmlinux()), s(k.systemMap()), s(k.modulesRoot()), s(k.modulesDir()), s(k.compileCommands()),
                s(k.gdbScript()), k.configHash(), k.compiler(), k.identity());
    }

    static Manifest.Image image(ImageArtifacts i) {
        return new Manifest.Image(i.format(), s(i.root()), s(i.output()), i.cacheKey(), i.cacheHit(),
                s(i.distroKernel()), s(i.distroInitrd()));
    }

    /** The kernel a manifest describes, when its files still exist. */
    public static Optional<KernelArtifacts> kernel(Manifest m) {
        Manifest.Kernel k = m.kernel();
        if (k == null || k.bzImage() == null || !java.nio.file.Files.isRegularFile(Path.of(k.bzImage()))) {
            return Optional.empty();
        }
        return Optional.of(new KernelArtifacts(k.release(), k.localVersion(), p(k.sourceTree()), p(k.buildDir()),
                p(k.bzImage()), p(k.vmlinux()), p(k.systemMap()), p(k.modulesRoot()), p(k.modulesDir()),
                p(k.compileCommands()), p(k.gdbScript()), k.configHash(), k.compiler(), Map.of(), k.identity()));
    }

    public static ImageArtifacts image(Manifest m) {
        Manifest.Image i = m.image();
        return new ImageArtifacts(p(i.root()), p(i.output()), i.format(), i.cacheKey(), i.cacheHit(),
                p(i.distroKernel()), p(i.distroInitrd()), Map.of());
    }

    private static String s(Path p) {
        return p == null ? null : p.toString();
    }

    private static Path p(String s) {
        return s == null ? null : Path.of(s);
    }
}
