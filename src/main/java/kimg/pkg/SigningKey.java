package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * The gpg key that signs packages and repositories: PackageSigningKey= in the user's keyring, or a throwaway key
 * of the project in a GNUPGHOME of kimg's own under the cache directory (generated on first use, said on the
 * terminal).
 *
 * @param gnupgHome the keyring's directory
 * @param keyId     what gpg and rpm get as the key (a fingerprint for the generated key)
 * @param generated true for kimg's own key (its agent is kimg's to stop)
 * @param publicKey the armored public key, exported next to the packages for rpm --import and apt's signed-by
 */
public record SigningKey(Path gnupgHome, String keyId, boolean generated, Path publicKey) {

    /** The generated key's user id; the project's directory name tells keys of several projects apart. */
    static String userId(String project) {
        return "kimg package signing key (" + project.replaceAll("[^A-Za-z0-9._-]", "_") + ") <kimg@localhost>";
    }

    /** The fingerprint in gpg's --with-colons listing (the "fpr" line after the first "sec"). */
    static Optional<String> fingerprint(List<String> colons) {
        boolean sec = false;
        for (String line : colons) {
            if (line.startsWith("sec:")) {
                sec = true;
            } else if (sec && line.startsWith("fpr:")) {
                String[] f = line.split(":", -1);
                return f.length > 9 && !f[9].isEmpty() ? Optional.of(f[9]) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static SigningKey ensure(PackageSettings settings, Path kimgHome, String project, Path outDir,
            Map<String, String> env, Exec exec) {
        try {
            Path publicKey = outDir.resolve("signing-key.asc");
            if (settings.signingKey().isPresent()) {
                Path home = Path.of(env.getOrDefault("GNUPGHOME", env.getOrDefault("HOME", "/root") + "/.gnupg"));
                String key = settings.signingKey().get();
                exec.run("signing-export-key", Cmd.of(PackageCommands.gpgExportPublic(home, key, publicKey)));
                return new SigningKey(home, key, false, publicKey);
            }
            if (!Files.isDirectory(kimgHome)) {
                Files.createDirectories(kimgHome.getParent());
                Files.createDirectory(kimgHome, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Path keyring = kimgHome;
            kimgHome = shortPath(kimgHome, Path.of(env.getOrDefault("XDG_RUNTIME_DIR", "/tmp")));
            String uid = userId(project);
            var listed = exec.runUnchecked("signing-find-key", Cmd.of(PackageCommands.gpgListKey(kimgHome, uid)));
            Optional<String> fpr = listed.exitStatus() == 0 ? fingerprint(Files.readAllLines(listed.log()))
                    : Optional.empty();
            if (fpr.isEmpty()) {
                exec.run("signing-generate-key", Cmd.of(PackageCommands.gpgGenerateKey(kimgHome, uid)));
                fpr = fingerprint(exec.capture("signing-find-key", Cmd.of(PackageCommands.gpgListKey(kimgHome, uid)))
                        .output());
                exec.console().info("generated a throwaway package signing key in " + keyring + " ("
                        + fpr.orElse("?") + "); PackageSigningKey= names your own");
            }
            String key = fpr.orElseThrow(() -> new IllegalStateException("gpg made no key for " + uid));
            exec.run("signing-export-key", Cmd.of(PackageCommands.gpgExportPublic(kimgHome, key, publicKey)));
            return new SigningKey(kimgHome, key, true, publicKey);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
            exec.runUnchecked("signing-stop-agent", Cmd.of(PackageCommands.gpgStopAgent(gnupgHome)));
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
