package kimg.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.BuildOptions;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.image.ImageBuilder;
import kimg.ui.Console;

/**
 * A real Debian bookworm minbase rootfs (plus kmod, which kimg always adds), built once per JVM with the image
 * builder and shared by every IT that boots or inspects an image. The project lives under /var/tmp/kimg-it/ so
 * its cache survives between local runs (CI starts fresh: one mmdebstrap, 15-45 s).
 */
public final class RootfsFixture {
    /**
     * The project (its outputs); -Dkimg.it.rootfs=DIR gives a branch whose guest files differ its own image, so
     * concurrent runs of two branches do not replace each other's image mid-boot. The cache stays shared.
     */
    public static final Path PROJECT = Path.of(System.getProperty("kimg.it.rootfs", "/var/tmp/kimg-it/rootfs"));
    public static final Path CACHE = Path.of("/var/tmp/kimg-it/rootfs/mkosi.cache");

    private static ImageArtifacts built;

    private RootfsFixture() {}

    /** The fixture's configuration (directory format, autologin, hostname kimg-it). */
    public static Config config() {
        return config(PROJECT, Map.of());
    }

    /** The fixture's settings in another project directory, sharing its cache; {@code extra} adds/overrides. */
    public static Config config(Path project, Map<String, List<String>> extra) {
        var values = new java.util.LinkedHashMap<String, List<String>>();
        values.put("Distribution", List.of("debian"));
        values.put("Release", List.of("bookworm"));
        values.put("Format", List.of("directory"));
        values.put("Autologin", List.of("true"));
        values.put("Hostname", List.of("kimg-it"));
        values.put("CacheDirectory", List.of(CACHE.toString()));
        values.putAll(extra);
        return Config.ofValues(project, values);
    }

    public static Exec exec(Config config) {
        return new Exec(StepLogs.under(config.outputDirectory().resolve("logs")), Console.plain(System.err));
    }

    public static synchronized ImageArtifacts built() {
        if (built == null) {
            try {
                Files.createDirectories(PROJECT);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Config config = config();
            built = ImageBuilder.build(config, BuildOptions.defaults(), exec(config), List.of());
        }
        return built;
    }
}
