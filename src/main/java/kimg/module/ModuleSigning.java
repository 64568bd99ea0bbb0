package kimg.module;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How kbuild signs a module on {@code modules_install} when {@code CONFIG_MODULE_SIG_ALL=y} (Linux 6.1
 * scripts/Makefile.modinst): {@code scripts/sign-file <CONFIG_MODULE_SIG_HASH> <key> certs/signing_key.x509 <ko>}
 * run in the build directory, the key being {@code CONFIG_MODULE_SIG_KEY} as written when that file exists there,
 * else under the source tree. kimg's incremental install signs the modules it copies the same way, so a guest
 * (with {@code MODULE_SIG_FORCE} or {@code module.sig_enforce=1}) loads a rebuilt module as it loads the others.
 *
 * @param hash the digest name kbuild passes (sha512, sha256, ...)
 * @param key  the private key file (PEM), absolute
 * @param cert the X.509 certificate kbuild embeds in the kernel, absolute
 */
record ModuleSigning(String hash, Path key, Path cert) {
    /** The trailer sign-file appends after the signature (include/linux/module_signature.h, MODULE_SIG_STRING). */
    static final String MARKER = "~Module signature appended~\n";

    /**
     * The signing kbuild would do for this .config, or empty when it signs nothing on install.
     *
     * @throws IllegalStateException for a key kimg cannot hand to sign-file by path (a PKCS#11 URI); the caller
     *                               then lets kbuild's whole {@code modules_install} do the signing
     */
    static Optional<ModuleSigning> of(KconfigValues config, Path tree, Path buildDir) {
        if (!config.valueOf("CONFIG_MODULE_SIG_ALL").equals("y")) {
            return Optional.empty();
        }
        String key = KernelBuilder.unquote(config.values().getOrDefault("CONFIG_MODULE_SIG_KEY", ""));
        String hash = KernelBuilder.unquote(config.values().getOrDefault("CONFIG_MODULE_SIG_HASH", ""));
        if (key.isEmpty() || hash.isEmpty() || key.startsWith("pkcs11:")) {
            throw new IllegalStateException("module signing key " + (key.isEmpty() ? "unset" : key));
        }
        Path inBuild = buildDir.resolve(key);
        return Optional.of(new ModuleSigning(hash, Files.exists(inBuild) ? inBuild : tree.resolve(key),
                buildDir.resolve("certs/signing_key.x509")));
    }

    /** sign-file's argv: signs {@code module} in place. */
    List<String> argv(Path buildDir, Path module) {
        return List.of(buildDir.resolve("scripts/sign-file").toString(), hash, key.toString(), cert.toString(),
                module.toString());
    }
}
