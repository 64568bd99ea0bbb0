package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.exec.StepLogs.StepRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package settings' rules: defaults, names, the derived kernel config, pahole, log kinds. */
class PackageRulesTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreBothFormatsReleaseOneNoSigningOrRepository() {
        PackageSettings s = PackageSettings.of(Config.ofValues(dir, Map.of()));
        assertEquals(List.of("rpm", "deb"), s.formats());
        assertEquals("1", s.release());
        assertEquals(Optional.empty(), s.flavor());
        assertEquals(false, s.moduleSigning());
        assertEquals(false, s.repository());
    }

    @Test
    void defaultNameIsKernelFlavorSeries() {
        var plain = PackageSettings.of(Config.ofValues(dir, Map.of()));
        assertEquals("kernel-61y", plain.packageName("6.1.192"));
        var kvm = PackageSettings.of(Config.ofValues(dir, Map.of("Flavor", List.of("kvm"))));
        assertEquals("kernel-kvm-61y", kvm.packageName("6.1.192-kvm"));
        var named = PackageSettings.of(Config.ofValues(dir, Map.of("PackageName", List.of("kernel-lts"))));
        assertEquals("kernel-lts", named.packageName("6.1.192"));
    }

    @Test
    void badValuesAreRejectedByTheSettingsTable() {
        assertThrows(ConfigError.class, () -> Config.ofValues(dir, Map.of("PackageFormat", List.of("tgz"))));
        assertThrows(ConfigError.class, () -> Config.ofValues(dir, Map.of("PackageRelease", List.of("1-2"))));
        assertThrows(ConfigError.class, () -> Config.ofValues(dir, Map.of("PackageName", List.of("Kernel_X"))));
        assertThrows(ConfigError.class, () -> Config.ofValues(dir, Map.of("PackageSigningKey", List.of("--x"))));
        assertThrows(ConfigError.class, () -> Config.ofValues(dir, Map.of("Flavor", List.of("../x"))));
    }

    @Test
    void aFlavorNeedsItsFragments() throws Exception {
        Config c = Config.ofValues(dir, Map.of("Flavor", List.of("kvm")));
        assertThrows(ConfigError.class, () -> PackageSettings.flavorFragments(c));
        Path f = Files.createDirectories(dir.resolve("mkosi.flavors/kvm")).resolve("kvm.config");
        Files.writeString(f, "CONFIG_KVM_GUEST=y\n");
        assertEquals(List.of(f), PackageSettings.flavorFragments(c));
    }

    @Test
    void withoutFlavorOrModuleSigningTheBuildConfigIsTheProjects() {
        Config c = Config.ofValues(dir, Map.of());
        assertSame(c, PackageKernelConfig.derive(c, List.of(), null));
    }

    @Test
    void aFlavorBuildsInItsOwnDirectoryWithItsFragmentsAndTheSigningFragment() {
        Config c = Config.ofValues(dir, Map.of("Flavor", List.of("kvm"), "BuildDirectory", List.of("/b")));
        Path flavor = dir.resolve("mkosi.flavors/kvm/kvm.config");
        Path signing = dir.resolve("module-signing.config");
        Config d = PackageKernelConfig.derive(c, List.of(flavor), signing);
        assertEquals(Path.of("/b/flavor~kvm"), d.get(Settings.BUILD_DIRECTORY));
        assertEquals(List.of(flavor, signing), d.items(Settings.KERNEL_CONFIG_FRAGMENTS));
        assertEquals("-kvm", d.environment().get("LOCALVERSION"), "the flavor is in the kernelrelease");
    }

    /**
     * Two flavors of one tree must not share a kernelrelease: their DEBs (linux-image-RELEASE) and /lib/modules
     * directories would collide. kbuild appends $LOCALVERSION after CONFIG_LOCALVERSION, so a project suffix stays.
     */
    @Test
    void aFlavorAppendsItsNameToTheLocalVersionUnlessItsFragmentsSetOne() throws Exception {
        Config c = Config.ofValues(dir, Map.of("Flavor", List.of("lean"), "Environment", List.of("LOCALVERSION=-lab")));
        assertEquals("-lab-lean", PackageKernelConfig.derive(c, List.of(), null).environment().get("LOCALVERSION"));
        Path own = Files.createDirectories(dir.resolve("mkosi.flavors/lean")).resolve("lean.config");
        Files.writeString(own, "CONFIG_LOCALVERSION=\"-tiny\"\n");
        assertEquals("-lab", PackageKernelConfig.derive(c, List.of(own), null).environment().get("LOCALVERSION"),
                "a flavor that names its own suffix keeps it alone");
        var release = kimg.module.LocalVersion.of(Files.createDirectories(dir.resolve("src")),
                List.of("CONFIG_LOCALVERSION=\"-x\""), PackageKernelConfig.derive(c, List.of(), null).environment()
                        .get("LOCALVERSION"));
        assertEquals("-x-lab-lean", release.value(), "the build directory and kernelrelease carry the flavor");
    }

    @Test
    void paholeMustReadDwarf5() {
        assertEquals(Optional.of(124), PaholeVersion.parse("v1.24\n"));
        assertEquals(Optional.empty(), PaholeVersion.problem("v1.21"));
        assertTrue(PaholeVersion.problem("v1.20").orElseThrow().contains("1.21"));
        assertTrue(PaholeVersion.problem("").isPresent());
    }

    @Test
    void secretKeysComeFromTheColonListingWithFingerprintsAndUserIds() {
        var keys = SigningKey.secretKeys(List.of("$ gpg ...", "sec:u:3072:1:X:1::::::", "fpr:::::::::abcd:",
                "uid:u::::::::Jane Doe <jane\\x3awork@example.org>:", "ssb:u:3072", "fpr:::::::::EEEE:",
                "sec:u:3072:1:Y:1::::::", "fpr:::::::::FFFF0000:"));
        assertEquals(List.of(new SigningKey.ListedKey(List.of("ABCD", "EEEE"),
                List.of("Jane Doe <jane:work@example.org>")), new SigningKey.ListedKey(List.of("FFFF0000"), List.of())),
                keys);
        assertEquals(List.of(), SigningKey.secretKeys(List.of("gpg: error reading key")));
    }

    /** A PackageSigningKey= is found as gpg finds it: a key id ending a fingerprint, or a piece of a user id. */
    @Test
    void aSigningKeyMatchesByKeyIdOrUserId() {
        var key = new SigningKey.ListedKey(List.of("28965CD09E902E30DB28B119CC0200C8AA093998",
                "1111222233334444555566667777888899990000"), List.of("Jane Doe <jane@example.org>"));
        for (String spec : List.of("28965CD09E902E30DB28B119CC0200C8AA093998", "CC0200C8AA093998", "0xaa093998",
                "99990000", "jane@example.org", "JANE", "example.org")) {
            assertTrue(SigningKey.matches(key, spec), spec);
        }
        for (String spec : List.of("NOSUCHKEY1234", "AA093999", "john@example.org", "28965CD0")) {
            assertFalse(SigningKey.matches(key, spec), spec);
        }
    }

    /** Debian signs the apt repository, never a .deb: DEBs alone need no key, RPMs or a repository do. */
    @Test
    void onlyRpmsAndRepositoriesNeedASigningKey() {
        assertFalse(SigningKey.needed(PackageSettings.of(Config.ofValues(dir, Map.of("PackageFormat",
                List.of("deb"))))));
        assertTrue(SigningKey.needed(PackageSettings.of(Config.ofValues(dir, Map.of("PackageFormat", List.of("deb"),
                "PackageRepository", List.of("yes"))))));
        assertTrue(SigningKey.needed(PackageSettings.of(Config.ofValues(dir, Map.of()))));
        var debTools = PackageTools.needed(Config.ofValues(dir, Map.of("PackageFormat", List.of("deb"))));
        assertTrue(debTools.stream().noneMatch(t -> t.name().startsWith("gpg")), debTools::toString);
    }

    @Test
    void stepsAreGatheredIntoTheLogsOfTheirKind() {
        var records = List.of(new StepRecord("configure", 0, Duration.ofSeconds(2), null),
                new StepRecord("make", 0, Duration.ofSeconds(10), null),
                new StepRecord("rpm-build-kernel", 0, Duration.ofSeconds(5), null),
                new StepRecord("signing-rpm", 0, Duration.ofSeconds(1), null),
                new StepRecord("deb-build-image", 0, Duration.ofSeconds(3), null));
        assertEquals(Map.of("kernel-compilation.log", Duration.ofSeconds(12), "rpm-build.log", Duration.ofSeconds(5),
                "signing.log", Duration.ofSeconds(1), "deb-build.log", Duration.ofSeconds(3)),
                RunLogs.durations(records, 0, 2));
    }

    @Test
    void aDeepGnupgHomeGetsAShortLinkAndAForeignOneIsRefused() throws Exception {
        Path shallow = dir.resolve("g");
        assertEquals(shallow, SigningKey.shortPath(shallow, dir));
        Path deep = Files.createDirectories(dir.resolve("a".repeat(40)).resolve("b".repeat(40)));
        Path link = SigningKey.shortPath(deep, dir);
        assertTrue(link.toString().length() < deep.toString().length());
        assertEquals(deep, Files.readSymbolicLink(link));
        assertEquals(link, SigningKey.shortPath(deep, dir), "reused");
        Files.delete(link);
        Files.createSymbolicLink(link, dir);
        assertThrows(java.io.IOException.class, () -> SigningKey.shortPath(deep, dir));
    }
}
