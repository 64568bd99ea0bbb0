package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import kimg.Golden;
import org.junit.jupiter.api.Test;

/** The spec files, control files, maintainer scripts, fragments and Release that kimg writes. */
class PackageTextsTest {
    @Test
    void kernelSpecHasDevelAndTheProvidesKmodToolingNeeds() {
        String spec = RpmSpec.kernel("kernel-kvm-61y", "1000.el8", "6.1.192-kvm");
        Golden.assertText("package/kernel.spec", spec);
        assertTrue(spec.contains("Version: 6.1.192_kvm\n"), "rpm forbids '-' in Version");
        assertTrue(spec.contains("Provides: kernel-uname-r = 6.1.192-kvm\n"));
        assertTrue(spec.contains("Provides: kernel-devel-uname-r = 6.1.192-kvm\n"));
        assertTrue(spec.contains("Provides: installonlypkg(kernel)\n"));
        assertTrue(spec.contains("%global __os_install_post %{nil}"), "a stripped module loses its signature");
    }

    @Test
    void kmodSpecRequiresTheExactKernel() {
        String spec = RpmSpec.kmod("kimg-demo", "1", "6.1.192", List.of("kimg_demo.ko"));
        Golden.assertText("package/kmod.spec", spec);
        assertTrue(spec.contains("Requires: kernel-uname-r = 6.1.192\n"));
        assertTrue(spec.contains("/lib/modules/6.1.192/extra/kimg-demo/kimg_demo.ko\n"));
    }

    @Test
    void debianControlFiles() {
        Golden.assertText("package/deb/linux-image.control", DebControl.image("6.1.192", "1", "amd64"));
        Golden.assertText("package/deb/linux-headers.control", DebControl.headers("6.1.192", "1", "amd64"));
        Golden.assertText("package/deb/kmod.control", DebControl.kmod("kimg-demo", "6.1.192", "1", "amd64"));
        Golden.assertText("package/deb/linux-image.postinst", DebControl.imagePostinst("6.1.192"));
        Golden.assertText("package/deb/linux-image.postrm", DebControl.imagePostrm("6.1.192"));
        Golden.assertText("package/deb/kmod.postinst", DebControl.kmodScript("6.1.192"));
    }

    @Test
    void debianNamesAreLowercaseWithoutUnderscoreAndVersionsCarryTheRevision() {
        assertEquals("linux-image-6.1.192-my-kvm", DebControl.packageName("linux-image-", "6.1.192-My_kvm"));
        assertEquals("6.1.192-My+kvm-1000.el8", DebControl.version("6.1.192-My_kvm", "1000.el8"));
    }

    @Test
    void moduleSigningFragmentForcesSignaturesWithTheProjectKey() {
        String f = ModuleSigningKey.fragment(Path.of("/cache/kimg-package/module-signing-key.pem"));
        Golden.assertText("package/module-signing.config", f);
        for (String symbol : List.of("CONFIG_MODULE_SIG=y", "CONFIG_MODULE_SIG_FORCE=y", "CONFIG_MODULE_SIG_ALL=y",
                "CONFIG_MODULE_SIG_SHA512=y",
                "CONFIG_MODULE_SIG_KEY=\"/cache/kimg-package/module-signing-key.pem\"")) {
            assertTrue(f.lines().anyMatch(symbol::equals), symbol);
        }
        assertThrows(IllegalArgumentException.class, () -> ModuleSigningKey.fragment(Path.of("/a\"b")));
    }

    @Test
    void moduleKeyRequestNamesTheProjectSafely() {
        String cfg = ModuleSigningKey.opensslConfig("my proj$(x)");
        Golden.assertText("package/module-signing-key.genkey", cfg);
        assertFalse(cfg.contains("$("));
    }

    @Test
    void aptReleaseListsTheIndexWithItsSha256() {
        Golden.assertText("package/Release", AptRelease.text("kimg kernel packages", "Mon, 30 Nov 2026 03:00:00 UTC",
                List.of(new AptRelease.Indexed("Packages", 1234,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"))));
    }

    @Test
    void aModuleSigningKeyFileHoldsAPrivateKeyAndItsCertificate() {
        String cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        for (String kind : new String[] {"", "RSA ", "EC ", "ENCRYPTED "}) {
            String key = "-----BEGIN " + kind + "PRIVATE KEY-----\nMIIE\n-----END " + kind + "PRIVATE KEY-----\n";
            assertTrue(ModuleSigningKey.pemHoldsKeyAndCertificate(key + cert), kind);
            assertFalse(ModuleSigningKey.pemHoldsKeyAndCertificate(key), kind + "without a certificate");
        }
        assertFalse(ModuleSigningKey.pemHoldsKeyAndCertificate(cert));
        assertFalse(ModuleSigningKey.pemHoldsKeyAndCertificate("garbage"));
    }
}
