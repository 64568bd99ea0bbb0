package kimg.pkg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;

/**
 * What {@code kimg package} makes, read from the settings table's package rows.
 *
 * @param formats          "rpm" and/or "deb", in the order given (PackageFormat=; none given: both)
 * @param name             PackageName=, or empty for the default (see {@link #packageName})
 * @param release          PackageRelease=: the RPM Release / Debian revision (e.g. "1000.el8"), never containing '-'
 * @param flavor           Flavor=, or empty: the fragments in {@code mkosi.flavors/<flavor>/}
 * @param signingKey       PackageSigningKey= (a gpg key id), or empty for the project's generated key
 * @param repository       PackageRepository=: also write a signed apt and rpm repository
 * @param moduleSigning    ModuleSigning=: MODULE_SIG_FORCE with the project's key
 * @param moduleSigningKey ModuleSigningKey=: a PEM with key and certificate, or empty for the generated one
 */
public record PackageSettings(List<String> formats, Optional<String> name, String release, Optional<String> flavor,
        Optional<String> signingKey, boolean repository, boolean moduleSigning, Optional<Path> moduleSigningKey) {

    /** Where a flavor's fragments live, relative to the project directory. */
    public static final String FLAVORS_DIRECTORY = "mkosi.flavors";

    public static PackageSettings of(Config config) {
        List<String> formats = config.items(Settings.PACKAGE_FORMAT).stream().distinct().toList();
        return new PackageSettings(formats.isEmpty() ? List.of("rpm", "deb") : formats,
                config.optional(Settings.PACKAGE_NAME), config.get(Settings.PACKAGE_RELEASE),
                config.optional(Settings.FLAVOR), config.optional(Settings.PACKAGE_SIGNING_KEY),
                config.get(Settings.PACKAGE_REPOSITORY), config.get(Settings.MODULE_SIGNING),
                config.optional(Settings.MODULE_SIGNING_KEY));
    }

    /**
     * The flavor's fragments ({@code mkosi.flavors/<flavor>/*.config}, in name order); none without a flavor.
     *
     * @throws ConfigError naming Flavor='s place when the directory is missing or holds no fragment
     */
    public static List<Path> flavorFragments(Config config) {
        Optional<String> flavor = config.optional(Settings.FLAVOR);
        if (flavor.isEmpty()) {
            return List.of();
        }
        Path dir = config.directory().resolve(FLAVORS_DIRECTORY).resolve(flavor.get());
        List<Path> fragments;
        try (var s = Files.list(dir)) {
            fragments = s.filter(p -> p.getFileName().toString().endsWith(".config") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (java.io.IOException e) {
            fragments = List.of();
        }
        if (fragments.isEmpty()) {
            throw new ConfigError(config.origin(Settings.FLAVOR), "Flavor",
                    "no kconfig fragments (*.config) in " + dir);
        }
        return fragments;
    }

    /**
     * The kernel package's name: PackageName=, else {@code kernel-<flavor>-<major><minor>y} (el-kernel-lts's
     * naming: "kernel-lts-kvm-61y"), or {@code kernel-<major><minor>y} without a flavor.
     *
     * @param kernelRelease `make kernelrelease`, e.g. 6.1.192-kimg
     */
    public String packageName(String kernelRelease) {
        if (name.isPresent()) {
            return name.get();
        }
        String[] v = kernelRelease.split("[.-]");
        String series = v[0] + (v.length > 1 ? v[1] : "") + "y";
        return "kernel-" + flavor.map(f -> f + "-").orElse("") + series;
    }
}
