package kimg.pkg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every command line {@code kimg package} runs, as pure functions (golden-tested in PackageCommandsTest). Values
 * from the config reach them only after the settings table checked them (PackageSigningKey= is a key id, never an
 * option); paths are kimg's own directories.
 */
public final class PackageCommands {
    private PackageCommands() {}

    /**
     * rpmbuild on the host with kimg's own top directory (no ~/rpmbuild) and rpm database (Debian's rpm defaults
     * %_dbpath to ~/.rpmdb, which rpmbuild creates), and the staged payload as {@code %kimg_stage}. Payload gzip
     * level 6: zstd 19 (rpm's default) spends minutes on a kernel's modules.
     */
    public static List<String> rpmbuild(Path topDir, Path stage, Path spec, String rpmArch) {
        return List.of("rpmbuild", "-bb", "--define", "_topdir " + topDir, "--define", "_dbpath "
                + topDir.resolve("rpmdb"), "--define", "kimg_stage " + stage, "--define", "_binary_payload w6.gzdio",
                "--target", rpmArch, spec.toString());
    }

    /** rpm --addsign with the macros file kimg wrote (%_gpg_name, %_gpg_path): the host's ~/.rpmmacros is not used. */
    public static List<String> rpmSign(Path macros, List<Path> rpms) {
        var argv = new ArrayList<>(List.of("rpm", "--load", macros.toString(), "--addsign"));
        rpms.forEach(p -> argv.add(p.toString()));
        return argv;
    }

    /**
     * The macros file that rpm --addsign reads; %__gpg because Debian's rpm names /usr/bin/gpg2, which Debian 12's
     * gnupg no longer installs.
     */
    public static String rpmSignMacros(Path gnupgHome, String keyId, Path gpg) {
        return "%_gpg_name " + keyId + "\n%_gpg_path " + gnupgHome + "\n%__gpg " + gpg + "\n";
    }

    /** A program on PATH as an absolute path, or the bare name when it is not found. */
    public static Path onPath(String program, String pathVariable) {
        for (String d : (pathVariable == null ? "/usr/bin:/bin" : pathVariable).split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, program);
            if (java.nio.file.Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        return Path.of(program);
    }

    /** An rpm database of kimg's own (the host's is never touched), created before the public key is imported. */
    public static List<String> rpmInitDb(Path dbPath) {
        return List.of("rpm", "--dbpath", dbPath.toString(), "--initdb");
    }

    public static List<String> rpmImport(Path dbPath, Path publicKey) {
        return List.of("rpm", "--dbpath", dbPath.toString(), "--import", publicKey.toString());
    }

    /** rpm -K against kimg's database: "digests signatures OK" for each package signed by the imported key. */
    public static List<String> rpmCheck(Path dbPath, List<Path> rpms) {
        var argv = new ArrayList<>(List.of("rpm", "--dbpath", dbPath.toString(), "-K"));
        rpms.forEach(p -> argv.add(p.toString()));
        return argv;
    }

    /** dpkg-deb with root:root ownership (kimg may run as any user) and gzip, which every dpkg reads. */
    public static List<String> dpkgDeb(Path tree, Path deb) {
        return List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", tree.toString(), deb.toString());
    }

    /** A throwaway signing key without passphrase, in kimg's GNUPGHOME; it never expires. */
    public static List<String> gpgGenerateKey(Path gnupgHome, String userId) {
        return List.of("gpg", "--homedir", gnupgHome.toString(), "--batch", "--pinentry-mode", "loopback",
                "--passphrase", "", "--quick-generate-key", userId, "rsa3072", "sign", "never");
    }

    /**
     * Every secret key of a keyring, machine-readable. No key is named: gpg exits 2 for a named key it lacks, and
     * kimg matches the listing itself (see {@link SigningKey#matches}), so an expected miss is no failed step.
     */
    public static List<String> gpgListSecretKeys(Path gnupgHome) {
        return List.of("gpg", "--homedir", gnupgHome.toString(), "--batch", "--with-colons", "--list-secret-keys");
    }

    public static List<String> gpgExportPublic(Path gnupgHome, String keyId, Path out) {
        return List.of("gpg", "--homedir", gnupgHome.toString(), "--batch", "--yes", "--armor", "--output",
                out.toString(), "--export", keyId);
    }

    /** gpg's agent would outlive kimg: it is stopped when signing is done. */
    public static List<String> gpgStopAgent(Path gnupgHome) {
        return List.of("gpgconf", "--homedir", gnupgHome.toString(), "--kill", "gpg-agent");
    }

    /** A detached ASCII signature (repomd.xml.asc, Release.gpg). */
    public static List<String> gpgDetachSign(Path gnupgHome, String keyId, Path file, Path signature) {
        return List.of("gpg", "--homedir", gnupgHome.toString(), "--batch", "--yes", "--pinentry-mode", "loopback",
                "--local-user", keyId, "--armor", "--detach-sign", "--output", signature.toString(), file.toString());
    }

    /** A clear-signed copy (InRelease from Release). */
    public static List<String> gpgClearSign(Path gnupgHome, String keyId, Path file, Path signed) {
        return List.of("gpg", "--homedir", gnupgHome.toString(), "--batch", "--yes", "--pinentry-mode", "loopback",
                "--local-user", keyId, "--output", signed.toString(), "--clearsign", file.toString());
    }

    public static List<String> createrepo(Path repo) {
        return List.of("createrepo_c", "--quiet", "--update", repo.toString());
    }

    /** The Packages index of a flat apt repository; run in the repository directory so paths are relative. */
    public static List<String> dpkgScanPackages() {
        return List.of("dpkg-scanpackages", "--multiversion", ".");
    }

    /**
     * The module signing key and certificate in one PEM (the kernel's certs/Makefile does the same), from an
     * openssl config file kimg writes (see {@link ModuleSigningKey#opensslConfig}).
     */
    public static List<String> opensslModuleKey(Path opensslConfig, Path pem) {
        return List.of("openssl", "req", "-new", "-nodes", "-utf8", "-sha512", "-days", "36500", "-batch", "-x509",
                "-config", opensslConfig.toString(), "-outform", "PEM", "-out", pem.toString(), "-keyout",
                pem.toString());
    }

    /** The kernel's own signer, from the -devel tree: appends a PKCS#7 signature to the module. */
    public static List<String> signFile(Path develTree, Path key, Path cert, Path module) {
        return List.of(develTree.resolve("scripts/sign-file").toString(), "sha512", key.toString(), cert.toString(),
                module.toString());
    }

    /** An external module built against a -devel tree (kbuild's M=), in a directory of kimg's own. */
    public static List<String> makeExternalModule(Path develTree, Path moduleDir, int jobs) {
        return List.of("make", "-C", develTree.toString(), "M=" + moduleDir, "-j" + jobs, "modules");
    }

    /** vmlinux without DWARF for the -devel tree: its .BTF stays (modules' BTF is split against it). */
    public static List<String> stripDebug(Path vmlinux, Path out) {
        return List.of("strip", "--strip-debug", "-o", out.toString(), vmlinux.toString());
    }

    /**
     * A built module stripped in place as kbuild's modules_install INSTALL_MOD_STRIP=1 strips the kernel's own
     * ({@code strip --strip-debug}): DWARF goes, .BTF (not a debug section) stays. Before signing: the signature
     * covers the bytes before it.
     */
    public static List<String> stripModule(Path module) {
        return List.of("strip", "--strip-debug", module.toString());
    }

    public static List<String> paholeVersion() {
        return List.of("pahole", "--version");
    }
}
