package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * ModuleSigning=yes: the project's module signing key (outside the source tree, under the cache directory unless
 * ModuleSigningKey= names one) and the kconfig fragment that makes the kernel refuse unsigned modules.
 */
public final class ModuleSigningKey {
    private ModuleSigningKey() {}

    /**
     * The fragment: MODULE_SIG with FORCE (unsigned modules are refused: "Key was rejected by service"), ALL (kbuild
     * signs at modules_install), SHA512, and MODULE_SIG_KEY naming the project's key; any value but the default
     * also stops kbuild generating a random key per build directory (a fixed key keeps builds reproducible).
     *
     * @throws IllegalArgumentException when the path cannot be written as a kconfig string
     */
    public static String fragment(Path key) {
        String k = key.toString();
        if (k.contains("\"") || k.contains("\\") || k.contains("\n") || k.contains("$")) {
            throw new IllegalArgumentException("module signing key path cannot be a kconfig string: " + k);
        }
        return """
                # Written by kimg package for ModuleSigning=yes.
                CONFIG_MODULES=y
                CONFIG_MODULE_SIG=y
                CONFIG_MODULE_SIG_FORCE=y
                CONFIG_MODULE_SIG_ALL=y
                CONFIG_MODULE_SIG_SHA512=y
                CONFIG_MODULE_SIG_KEY="%s"
                """.formatted(k);
    }

    /**
     * openssl's request config for the key: an X.509 with digitalSignature usage, as the kernel's
     * certs/default_x509.genkey has it. {@code project} is reduced to safe characters (it names the key).
     */
    public static String opensslConfig(String project) {
        String cn = project.replaceAll("[^A-Za-z0-9._-]", "_");
        return """
                [ req ]
                default_bits = 4096
                distinguished_name = req_distinguished_name
                prompt = no
                string_mask = utf8only
                x509_extensions = myexts

                [ req_distinguished_name ]
                O = kimg
                CN = kimg module signing key (%s)

                [ myexts ]
                basicConstraints=critical,CA:FALSE
                keyUsage=digitalSignature
                subjectKeyIdentifier=hash
                authorityKeyIdentifier=keyid
                """.formatted(cn);
    }

    /**
     * ModuleSigningKey= before any step: kbuild's CONFIG_MODULE_SIG_KEY is one PEM file holding the private key and
     * its X.509 certificate (certs/Makefile extracts the certificate from it at the end of a kernel build), so a file
     * without both would fail minutes in; a PKCS#11 URI is not a file kimg can take.
     *
     * @throws ConfigError at ModuleSigningKey='s place (exit 2)
     */
    public static void checkGiven(kimg.config.Config config) {
        var key = config.optional(kimg.config.Settings.MODULE_SIGNING_KEY);
        if (key.isEmpty() || !config.get(kimg.config.Settings.MODULE_SIGNING)) {
            return;
        }
        String text;
        try {
            text = Files.readString(key.get(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new kimg.config.ConfigError(config.origin(kimg.config.Settings.MODULE_SIGNING_KEY),
                    "ModuleSigningKey", "cannot read " + key.get() + ": " + e.getMessage());
        }
        if (!pemHoldsKeyAndCertificate(text)) {
            throw new kimg.config.ConfigError(config.origin(kimg.config.Settings.MODULE_SIGNING_KEY),
                    "ModuleSigningKey", key.get() + " is not one PEM file with a private key and its certificate"
                            + " (what kbuild's CONFIG_MODULE_SIG_KEY takes)");
        }
    }

    /** A PEM text with a private key block (PKCS#8, RSA or EC) and a certificate block. */
    static boolean pemHoldsKeyAndCertificate(String text) {
        return text.matches("(?s).*-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----.*")
                && text.contains("-----BEGIN CERTIFICATE-----");
    }

    /** The key kimg uses: ModuleSigningKey=, or {@code <dir>/module-signing-key.pem}, generated when absent (0600). */
    public static Path ensure(PackageSettings settings, Path dir, String project, Exec exec) {
        if (settings.moduleSigningKey().isPresent()) {
            return settings.moduleSigningKey().get();
        }
        Path pem = dir.resolve("module-signing-key.pem");
        if (Files.isRegularFile(pem)) {
            return pem;
        }
        try {
            Files.createDirectories(dir);
            Path cfg = dir.resolve("module-signing-key.genkey");
            Files.writeString(cfg, opensslConfig(project));
            Path tmp = dir.resolve(".module-signing-key.pem.tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            exec.run("signing-module-key", Cmd.of(PackageCommands.opensslModuleKey(cfg, tmp)));
            Files.move(tmp, pem);
            exec.console().info("generated the module signing key " + pem + " (ModuleSigningKey= names your own)");
            return pem;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
