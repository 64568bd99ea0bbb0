package kimg.pkg;

import java.nio.file.Path;
import java.util.List;
import kimg.Golden;
import org.junit.jupiter.api.Test;

/** Every command line kimg package runs, against its golden file under package/argv/. */
class PackageCommandsTest {
    private static final Path HOME = Path.of("/cache/kimg-package/gnupg");
    private static final String KEY = "0123456789ABCDEF0123456789ABCDEF01234567";
    private static final List<Path> RPMS = List.of(Path.of("/out/packages/rpm/kernel-61y-6.1.192-1.x86_64.rpm"),
            Path.of("/out/packages/rpm/kernel-61y-devel-6.1.192-1.x86_64.rpm"));

    private static void golden(String name, List<String> argv) {
        Golden.assertArgv("package/argv/" + name + ".argv", argv);
    }

    @Test
    void rpmbuildUsesKimgsTopDirectoryAndStage() {
        golden("rpmbuild", PackageCommands.rpmbuild(Path.of("/b/package/rpm/top"), Path.of("/b/package/rpm/stage"),
                Path.of("/b/package/rpm/kernel.spec"), "x86_64"));
    }

    @Test
    void rpmSigningReadsKimgsMacrosFile() {
        golden("rpm-addsign", PackageCommands.rpmSign(Path.of("/b/package/rpm/rpm-sign.macros"), RPMS));
        Golden.assertText("package/rpm-sign.macros", PackageCommands.rpmSignMacros(HOME, KEY, Path.of("/usr/bin/gpg")));
    }

    @Test
    void rpmVerificationUsesKimgsOwnDatabase() {
        Path db = Path.of("/b/package/rpm/rpmdb");
        golden("rpm-initdb", PackageCommands.rpmInitDb(db));
        golden("rpm-import", PackageCommands.rpmImport(db, Path.of("/out/packages/signing-key.asc")));
        golden("rpm-check", PackageCommands.rpmCheck(db, RPMS));
    }

    @Test
    void gpgCommandsUseKimgsHome() {
        golden("gpg-generate-key", PackageCommands.gpgGenerateKey(HOME, SigningKey.userId("my project")));
        golden("gpg-list-secret-keys", PackageCommands.gpgListSecretKeys(HOME));
        golden("gpg-export", PackageCommands.gpgExportPublic(HOME, KEY, Path.of("/out/packages/signing-key.asc")));
        golden("gpg-stop-agent", PackageCommands.gpgStopAgent(HOME));
        golden("gpg-detach-sign", PackageCommands.gpgDetachSign(HOME, KEY, Path.of("/r/repodata/repomd.xml"),
                Path.of("/r/repodata/repomd.xml.asc")));
        golden("gpg-clear-sign", PackageCommands.gpgClearSign(HOME, KEY, Path.of("/r/Release"),
                Path.of("/r/InRelease")));
    }

    @Test
    void debAndRepositoryCommands() {
        golden("dpkg-deb", PackageCommands.dpkgDeb(Path.of("/b/package/deb/linux-image"),
                Path.of("/out/packages/deb/linux-image-6.1.192_6.1.192-1_amd64.deb")));
        golden("dpkg-scanpackages", PackageCommands.dpkgScanPackages());
        golden("createrepo", PackageCommands.createrepo(Path.of("/out/packages/rpm-repo")));
    }

    @Test
    void moduleKeyAndExternalModuleCommands() {
        golden("openssl-module-key", PackageCommands.opensslModuleKey(Path.of("/cache/kimg-package/x.genkey"),
                Path.of("/cache/kimg-package/key.pem")));
        golden("sign-file", PackageCommands.signFile(Path.of("/stage/usr/src/kernels/6.1.192"),
                Path.of("/b/certs/signing_key.pem"), Path.of("/b/certs/signing_key.x509"),
                Path.of("/w/kimg_demo.ko")));
        golden("make-external-module", PackageCommands.makeExternalModule(Path.of("/usr/src/kernels/6.1.192"),
                Path.of("/w/kmod-kimg-demo"), 2));
        golden("strip-vmlinux", PackageCommands.stripDebug(Path.of("/b/vmlinux"),
                Path.of("/stage/usr/src/kernels/6.1.192/vmlinux")));
        golden("strip-module", PackageCommands.stripModule(Path.of("/w/kimg_demo.ko")));
        golden("pahole-version", PackageCommands.paholeVersion());
    }
}
