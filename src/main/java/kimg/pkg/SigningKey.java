package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;

/**
 * The gpg key that signs packages and repositories: PackageSigningKey= in the user's keyring, or a throwaway key
 * of the project in a GNUPGHOME of kimg's own under the cache directory (generated on first use, said on the
 * terminal). Only RPMs and repositories are signed: Debian signs the apt repository, never a .deb.
 *
 * @param gnupgHome the keyring's directory
 * @param keyId     what gpg and rpm get as the key (a fingerprint for the generated key)
 * @param generated true for kimg's own key (its agent is kimg's to stop)
 * @param publicKey the armored public key, exported next to the packages for rpm --import and apt's signed-by;
 *                  null until {@link #exportPublic} wrote it
 */
public record SigningKey(Path gnupgHome, String keyId, boolean generated, Path publicKey) {

    /** Whether this run signs anything: RPMs, or a repository (apt's Release, rpm's repomd.xml). */
    static boolean needed(PackageSettings settings) {
        return settings.formats().contains("rpm") || settings.repository();
    }

    /** The generated key's user id; the project's directory name tells keys of several projects apart. */
    static String userId(String project) {
        return "kimg package signing key (" + project.replaceAll("[^A-Za-z0-9._-]", "_") + ") <kimg@localhost>";
    }

    /**
     * One secret key of gpg's --with-colons listing.
     *
     * @param fingerprints the primary key's fingerprint first, then its subkeys', upper-case hex
     * @param userIds      the user ids as gpg prints them, with its \xNN escapes undone
     */
    record ListedKey(List<String> fingerprints, List<String> userIds) {}

    /** The secret keys of a --with-colons listing ("sec" starts a key; "fpr" and "uid" lines belong to it). */
    static List<ListedKey> secretKeys(List<String> colons) {
        var keys = new ArrayList<ListedKey>();
        List<String> fprs = null;
        List<String> uids = null;
        for (String line : colons) {
            String[] f = line.split(":", -1);
            if (f[0].equals("sec")) {
                fprs = new ArrayList<>();
                uids = new ArrayList<>();
                keys.add(new ListedKey(fprs, uids));
            } else if (fprs != null && f[0].equals("fpr") && f.length > 9 && !f[9].isEmpty()) {
                fprs.add(f[9].toUpperCase(Locale.ROOT));
            } else if (uids != null && f[0].equals("uid") && f.length > 9) {
                uids.add(unescape(f[9]));
            }
        }
        return keys;
    }

    /** gpg writes ':' and control characters in colon listings as \xNN (DETAILS, "Field 10"). */
    private static String unescape(String field) {
        var s = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            if (field.startsWith("\\x", i) && i + 4 <= field.length()) {
                try {
                    s.append((char) Integer.parseInt(field.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: kept as it is
                }
            }
            s.append(field.charAt(i));
        }
        return s.toString();
    }

    /**
     * Whether gpg could take {@code spec} (PackageSigningKey=, which the settings table limits to letters, digits
     * and {@code @._+}) as this key: a key id or fingerprint (hex, optional 0x) that ends a fingerprint of the key
     * or a subkey, or, gpg's default mode, a case-insensitive substring of a user id (an e-mail address, a name).
     * Either reading counts, so a key gpg would find is never refused here.
     */
    static boolean matches(ListedKey key, String spec) {
        String hex = spec.regionMatches(true, 0, "0x", 0, 2) ? spec.substring(2) : spec;
        if (hex.matches("[0-9A-Fa-f]{8,40}")
                && key.fingerprints().stream().anyMatch(f -> f.endsWith(hex.toUpperCase(Locale.ROOT)))) {
            return true;
        }
        String lower = spec.toLowerCase(Locale.ROOT);
        return key.userIds().stream().anyMatch(u -> u.toLowerCase(Locale.ROOT).contains(lower));
    }

    /**
     * The key this run signs with, found (or made) before any other step: none when nothing is signed
     * ({@link #needed}); PackageSigningKey= when the user's keyring has its secret key; else the project's
     * generated key. Both look-ups list the keyring's secret keys (gpg exits 0 on an empty one) and match here,
     * so an expected miss is no failed step.
     *
     * @param kimgHome kimg's own GNUPGHOME ({@code <CacheDirectory>/kimg-package/gnupg}), made 0700 when absent
     * @param env      the environment: GNUPGHOME or HOME name the user's keyring; XDG_RUNTIME_DIR the short link
     * @throws ConfigError naming PackageSigningKey='s place when the user's keyring has no such secret key
     */
    public static Optional<SigningKey> forRun(Config config, PackageSettings settings, Path kimgHome,
            Map<String, String> env, Exec exec) {
        if (!needed(settings)) {
            return Optional.empty();
        }
        if (settings.signingKey().isPresent()) {
            return Optional.of(user(config, settings.signingKey().get(), env, exec));
        }
        return Optional.of(generated(kimgHome, config.directory().getFileName().toString(), env, exec));
    }

    private static SigningKey user(Config config, String spec, Map<String, String> env, Exec exec) {
        Path home = Path.of(env.getOrDefault("GNUPGHOME", env.getOrDefault("HOME", "/root") + "/.gnupg"));
        List<String> listing = exec.capture("signing-check-key", Cmd.of(PackageCommands.gpgListSecretKeys(home)))
                .output();
        if (secretKeys(listing).stream().noneMatch(k -> matches(k, spec))) {
            throw new ConfigError(config.origin(Settings.PACKAGE_SIGNING_KEY), Settings.PACKAGE_SIGNING_KEY.name(),
                    "gpg has no secret key " + ConfigError.quote(spec) + " in " + home
                            + " (gpg --list-secret-keys; GNUPGHOME= names another keyring)");
        }
        return new SigningKey(home, spec, false, null);
    }

    private static SigningKey generated(Path kimgHome, String project, Map<String, String> env, Exec exec) {
        try {
            if (!Files.isDirectory(kimgHome)) {
                Files.createDirectories(kimgHome.getParent());
                Files.createDirectory(kimgHome, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path home = shortPath(kimgHome, Path.of(env.getOrDefault("XDG_RUNTIME_DIR", "/tmp")));
            String uid = userId(project);
            Optional<String> fpr = ownKey(home, uid, exec);
            if (fpr.isEmpty()) {
                exec.run("signing-generate-key", inHome(home, PackageCommands.gpgGenerateKey(home, uid)));
                fpr = ownKey(home, uid, exec);
                exec.console().info("generated a throwaway package signing key in " + kimgHome + " ("
                        + fpr.orElse("?") + "); PackageSigningKey= names your own");
            }
            String key = fpr.orElseThrow(() -> StepFailed.because("signing-generate-key",
                    "gpg made no secret key with the user id " + uid + " in " + kimgHome));
            return new SigningKey(home, key, true, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fingerprint of the key whose user id is exactly {@code uid} in kimg's own keyring. */
    private static Optional<String> ownKey(Path home, String uid, Exec exec) {
        List<String> listing = exec.capture("signing-find-key", inHome(home, PackageCommands.gpgListSecretKeys(home)))
                .output();
        return secretKeys(listing).stream().filter(k -> k.userIds().contains(uid) && !k.fingerprints().isEmpty())
                .map(k -> k.fingerprints().get(0)).findFirst();
    }

    /**
     * A command on kimg's own keyring, with GNUPGHOME too: a gpg that a tool starts by itself (rpm --addsign) then
     * uses it as well, and nothing creates the user's ~/.gnupg.
     */
    Cmd command(List<String> argv) {
        return generated ? inHome(gnupgHome, argv) : Cmd.of(argv);
    }

    private static Cmd inHome(Path home, List<String> argv) {
        return Cmd.of(argv).withEnv(Map.of("GNUPGHOME", home.toString()));
    }

    /**
     * Writes the armored public key to {@code file} (kimg's work directory; published with the packages).
     *
     * @return this key with its {@link #publicKey}
     * @throws StepFailed when gpg exported nothing: it exits 0 with "WARNING: nothing exported" for a key it lacks
     */
    SigningKey exportPublic(Path file, Exec exec) {
        try {
            Files.deleteIfExists(file);
            var r = exec.run("signing-export-key", command(PackageCommands.gpgExportPublic(gnupgHome, keyId, file)));
            if (!Files.isRegularFile(file) || Files.size(file) == 0) {
                throw new StepFailed("signing-export-key", r.log(), 0, List.of("gpg exported no public key for "
                        + keyId + " from " + gnupgHome));
            }
            return new SigningKey(gnupgHome, keyId, generated, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This key, its public key now at {@code published} (where the run's packages went). */
    SigningKey publishedAt(Path published) {
        return new SigningKey(gnupgHome, keyId, generated, published);
    }

    /** Longest home gpg-agent's sockets fit under (sun_path is 108 bytes; "/S.gpg-agent.browser" is 20). */
    static final int MAX_HOME = 80;

    /**
     * gpg puts its agent's sockets in the home directory when /run/user/UID does not exist, and a socket path
     * longer than sun_path makes the agent fail ("No agent running"): a deep cache directory gets a short link
     * ({@code <runtime dir>/kimg-gnupg-<hash>}) that gpg uses as its home. A link of that name that is not kimg's
     * (not a link to this home) is an error, never followed.
     */
    static Path shortPath(Path home, Path runtimeDir) throws IOException {
        if (home.toString().length() <= MAX_HOME) {
            return home;
        }
        Path link = runtimeDir.resolve("kimg-gnupg-" + kimg.fs.Sha256.of(home.toString()).substring(0, 12));
        if (Files.isSymbolicLink(link)) {
            if (!Files.readSymbolicLink(link).equals(home)) {
                throw new IOException(link + " exists and does not point to " + home);
            }
            return link;
        }
        if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(link + " exists and is not kimg's link to " + home);
        }
        return Files.createSymbolicLink(link, home);
    }

    /** Stops the agent gpg started for kimg's own keyring (no process outlives kimg) and removes the short link. */
    public void release(Exec exec) {
        if (generated) {
            exec.runUnchecked("signing-stop-agent", inHome(gnupgHome, PackageCommands.gpgStopAgent(gnupgHome)));
            try {
                if (Files.isSymbolicLink(gnupgHome)) {
                    Files.delete(gnupgHome);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
