package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import kimg.config.Config;
import kimg.config.Origin;
import kimg.config.Settings;
import kimg.config.Value;

/**
 * The configuration the packaged kernel is built with: the project's, plus the flavor's fragments and the module
 * signing fragment, and for a flavor a build directory of its own ({@code <BuildDirectory>/flavor~<name>}), so
 * flavors build side by side and never reconfigure each other's tree, and a kernelrelease of its own
 * ({@code 6.1.192-kvm}: {@code -<flavor>} appended to $LOCALVERSION), so the flavors' packages have distinct names
 * and files (linux-image-6.1.192-kvm, /lib/modules/6.1.192-kvm) and install side by side. Without Flavor= and
 * ModuleSigning= it is the project's configuration unchanged: {@code kimg package} reuses the build directory of
 * {@code kimg build}.
 */
public final class PackageKernelConfig {
    static final Origin ORIGIN = new Origin(null, 0, "kimg package", null);

    private PackageKernelConfig() {}

    /**
     * @param moduleSigningFragment the written fragment of {@link ModuleSigningKey#fragment}, or null without
     *                              ModuleSigning=yes
     */
    public static Config derive(Config config, List<Path> flavorFragments, Path moduleSigningFragment) {
        var extra = new ArrayList<>(flavorFragments);
        if (moduleSigningFragment != null) {
            extra.add(moduleSigningFragment);
        }
        if (extra.isEmpty() && config.optional(Settings.FLAVOR).isEmpty()) {
            return config;
        }
        var explicit = new LinkedHashMap<>(config.explicit());
        var fragments = new ArrayList<>(config.values(Settings.KERNEL_CONFIG_FRAGMENTS));
        extra.forEach(f -> fragments.add(new Value(f.toString(), ORIGIN, f)));
        explicit.put(Settings.KERNEL_CONFIG_FRAGMENTS.name(), fragments);
        config.optional(Settings.FLAVOR).ifPresent(flavor -> {
            Path dir = config.get(Settings.BUILD_DIRECTORY).resolve("flavor~" + flavor);
            explicit.put(Settings.BUILD_DIRECTORY.name(), List.of(new Value(dir.toString(), ORIGIN, dir)));
            if (!setsLocalVersion(flavorFragments)) {
                // kbuild appends $LOCALVERSION after CONFIG_LOCALVERSION, so the project's own suffix stays.
                String before = config.environment().getOrDefault("LOCALVERSION", "");
                var environment = new ArrayList<>(config.values(Settings.ENVIRONMENT));
                String item = "LOCALVERSION=" + before + "-" + flavor;
                environment.add(new Value(item, ORIGIN, item));
                explicit.put(Settings.ENVIRONMENT.name(), environment);
            }
        });
        return new Config(config.directory(), explicit, config.files(), config.modules(), config.warnings(),
                config.hostEnvironment());
    }

    /** A flavor whose fragments set CONFIG_LOCALVERSION has chosen its own release suffix; kimg adds none. */
    private static boolean setsLocalVersion(List<Path> flavorFragments) {
        for (Path f : flavorFragments) {
            try {
                if (Files.isRegularFile(f)
                        && Files.readAllLines(f).stream().anyMatch(l -> l.startsWith("CONFIG_LOCALVERSION="))) {
                    return true;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }

    /** Writes the module signing fragment next to the key (rewritten only when its text changes: kimg's stamp hashes it). */
    public static Path writeFragment(Path dir, String text) {
        Path f = dir.resolve("module-signing.config");
        try {
            Files.createDirectories(dir);
            if (!Files.isRegularFile(f) || !Files.readString(f).equals(text)) {
                Files.writeString(f, text);
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
