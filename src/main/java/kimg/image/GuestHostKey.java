package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.host.HostTools;

/**
 * The guest's SSH host key (Ssh=yes), so that {@code kimg ssh} can pin it instead of trusting whatever answers
 * on 127.0.0.1:SshPort (another local user's process could be listening there). Generated per image in the
 * output stage, never in the shared cache: openssh-server's own host keys, made when the package was installed
 * in the cache, are the same in every image of that cache and are removed from the output tree.
 * {@code <OutputDirectory>/<Output>.known_hosts} holds the one line ssh checks, under {@link #ALIAS}.
 */
public final class GuestHostKey {
    /** The name ssh looks the key up by ({@code -o HostKeyAlias=}), whatever port the forward uses. */
    public static final String ALIAS = "kimg-guest";
    static final String KEY_IN_IMAGE = "etc/ssh/ssh_host_ed25519_key";

    private GuestHostKey() {}

    /** Where {@code kimg build} writes the known_hosts line of the image of {@code config}. */
    public static Path knownHostsFile(Config config) {
        return config.outputDirectory().resolve(knownHostsName(config.get(Settings.OUTPUT)));
    }

    static String knownHostsName(String output) {
        return output + ".known_hosts";
    }

    /** The known_hosts line for {@code publicKey} ({@code TYPE BASE64 [COMMENT]}), under {@link #ALIAS}. */
    static String knownHostsLine(String publicKey) {
        String[] f = publicKey.strip().split("\\s+");
        if (f.length < 2 || !f[0].startsWith("ssh-")) {
            throw new IllegalArgumentException("not an OpenSSH public key: " + publicKey);
        }
        return ALIAS + " " + f[0] + " " + f[1] + "\n";
    }

    /**
     * Generates a host key in {@code work}, installs it in {@code root} (private half 0600) in place of any other
     * host key there, and writes {@code knownHosts}.
     */
    static void install(Exec exec, Path root, Path work, Path knownHosts) {
        HostTools.ensure("ssh-host-key", HostTools.SSH_KEYGEN, exec);
        try {
            Files.createDirectories(work);
            Path key = work.resolve("ssh_host_ed25519_key");
            exec.run("ssh-host-key", Cmd.of(SshKey.keygenArgv(key)));
            Path sshDir = Files.createDirectories(root.resolve(KEY_IN_IMAGE).getParent());
            try (DirectoryStream<Path> old = Files.newDirectoryStream(sshDir, "ssh_host_*_key{,.pub}")) {
                for (Path p : old) {
                    Files.delete(p);
                }
            }
            Path installed = root.resolve(KEY_IN_IMAGE);
            Files.copy(key, installed, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(installed, PosixFilePermissions.fromString("rw-------"));
            Path pub = installed.resolveSibling(installed.getFileName() + ".pub");
            Files.copy(key.resolveSibling(key.getFileName() + ".pub"), pub, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
            Files.writeString(knownHosts, knownHostsLine(Files.readString(pub)));
        } catch (IOException e) {
            throw new UncheckedIOException("SSH host key for " + root + ": " + e.getMessage(), e);
        }
    }
}
