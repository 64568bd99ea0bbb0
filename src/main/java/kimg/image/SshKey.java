package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.FileTrees;
import kimg.host.HostTools;

/**
 * The project's SSH key pair for Ssh=yes: {@code mkosi.key} (private, used by {@code kimg ssh}) and
 * {@code mkosi.key.pub} (installed in the image as root's authorized_keys). mkosi's names, so a project moved
 * between the two tools keeps its key. Generated once, the first time an Ssh=yes image is built (or by
 * {@code kimg genkey}); an existing key is never replaced.
 */
public final class SshKey {
    public static final String PRIVATE_KEY = "mkosi.key";
    public static final String PUBLIC_KEY = "mkosi.key.pub";
    /** Where the public key goes in the image tree (relative to its root). */
    public static final String AUTHORIZED_KEYS = "root/.ssh/authorized_keys";

    private SshKey() {}

    /** An ed25519 key without a passphrase: kimg ssh runs unattended, and the key only opens a throwaway VM. */
    public static List<String> keygenArgv(Path privateKey) {
        return List.of("ssh-keygen", "-t", "ed25519", "-N", "", "-q", "-C", "kimg", "-f", privateKey.toString());
    }

    /** Derives the public half again when only the private key was kept. */
    public static List<String> publicKeyArgv(Path privateKey) {
        return List.of("ssh-keygen", "-y", "-f", privateKey.toString());
    }

    /**
     * Makes sure the project has both halves; generates what is missing. The pair is made in a temporary
     * directory and renamed in, public half first, so an interrupted run never leaves a private key without its
     * public half.
     *
     * @return the public key file
     */
    public static Path ensure(Path project, Exec exec) {
        Path privateKey = project.resolve(PRIVATE_KEY);
        Path publicKey = project.resolve(PUBLIC_KEY);
        if (Files.isRegularFile(privateKey) && Files.isRegularFile(publicKey)) {
            return publicKey;
        }
        HostTools.ensure("ssh-keygen", HostTools.SSH_KEYGEN, exec);
        Path temp = project.resolve(".kimg-keygen-" + ProcessHandle.current().pid());
        try {
            FileTrees.deleteRecursively(temp);
            Files.createDirectories(temp);
            Path tempPublic = temp.resolve(PUBLIC_KEY);
            if (Files.isRegularFile(privateKey)) {
                String line = exec.capture("ssh-keygen", Cmd.of(publicKeyArgv(privateKey))).output().stream()
                        .filter(l -> l.startsWith("ssh-") || l.startsWith("ecdsa-"))
                        .findFirst()
                        .orElseThrow(() -> StepFailed.because("ssh-keygen", "no public key derived from "
                                + privateKey));
                Files.writeString(tempPublic, line + "\n");
            } else {
                Path tempPrivate = temp.resolve(PRIVATE_KEY);
                exec.run("ssh-keygen", Cmd.of(keygenArgv(tempPrivate)));
                Files.move(tempPublic, publicKey, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.move(tempPrivate, privateKey, StandardCopyOption.ATOMIC_MOVE);
                exec.console().info("generated the SSH key " + privateKey);
                return publicKey;
            }
            Files.move(tempPublic, publicKey, StandardCopyOption.ATOMIC_MOVE);
            return publicKey;
        } catch (IOException e) {
            throw new UncheckedIOException("ssh key in " + project + ": " + e.getMessage(), e);
        } finally {
            FileTrees.deleteRecursively(temp);
        }
    }

    /** The public key line for authorized_keys, or a config error when the project has none. */
    public static String authorizedKey(Config config) {
        Path publicKey = config.directory().resolve(PUBLIC_KEY);
        try {
            String key = Files.readString(publicKey).strip();
            if (key.isEmpty() || key.contains("\n")) {
                throw new ConfigError(config.origin(kimg.config.Settings.SSH), "Ssh", "not a single public key: " + publicKey);
            }
            return key;
        } catch (IOException e) {
            throw new ConfigError(config.origin(kimg.config.Settings.SSH), "Ssh", "no public key at " + publicKey
                    + " (kimg genkey writes it)");
        }
    }
}
