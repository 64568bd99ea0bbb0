package kimg.vm;

import kimg.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.image.GuestHostKey;

/**
 * {@code kimg ssh}: ssh to the guest's sshd through the user-network port forward that Ssh=yes adds to QEMU
 * (bound to 127.0.0.1:SshPort). The image stage installs sshd and authorises the project's key.
 */
public final class Ssh {
    /** The private key, in the project directory (mkosi's default key name; `kimg genkey` writes it). */
    public static final String KEY_FILE = kimg.image.SshKey.PRIVATE_KEY;
    /** Where the image stage puts the public key in the guest's tree. */
    public static final String AUTHORIZED_KEYS = kimg.image.SshKey.AUTHORIZED_KEYS;

    private Ssh() {}

    /**
     * ssh to the guest, pinned to the host key its image was built with ({@link GuestHostKey}): anything else
     * answering on 127.0.0.1:SshPort is refused. The key is looked up under its alias in the image's own
     * known_hosts file, never in the user's.
     */
    public static List<String> argv(Config config, Path key, List<String> remoteCommand) {
        var argv = new ArrayList<String>(List.of("ssh",
                "-i", key.toString(),
                "-p", Integer.toString(config.get(Settings.SSH_PORT)),
                "-o", "StrictHostKeyChecking=yes",
                "-o", "UserKnownHostsFile=" + GuestHostKey.knownHostsFile(config),
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "HostKeyAlias=" + GuestHostKey.ALIAS,
                "-o", "LogLevel=ERROR",
                "root@127.0.0.1"));
        if (!remoteCommand.isEmpty()) {
            // ssh joins the remote command into one string for the guest's shell; keep each word intact.
            argv.add("--");
            remoteCommand.stream().map(kimg.exec.Cmd::quote).forEach(argv::add);
        }
        return argv;
    }

    /** The key to use, or a config error saying what is missing (the setting, the key, or the image's copy). */
    public static Path key(Config config, BootInputs inputs) {
        if (!config.sshAtRuntime()) {
            throw new ConfigError(config.origin(Settings.SSH), "Ssh", "kimg ssh needs Ssh=yes (then rebuild the image and"
                    + " boot it with kimg qemu)");
        }
        Path key = config.directory().resolve(KEY_FILE);
        if (!Files.isRegularFile(key)) {
            throw new ConfigError(null, "Ssh", "no SSH key at " + key + ": run kimg genkey, then rebuild the image");
        }
        if (!Files.isRegularFile(inputs.root().resolve(AUTHORIZED_KEYS))) {
            throw new ConfigError(null, "Ssh", "the image has no SSH key (" + inputs.root().resolve(AUTHORIZED_KEYS)
                    + " is missing): rebuild it with Ssh=yes");
        }
        if (!Files.isRegularFile(GuestHostKey.knownHostsFile(config))) {
            throw new ConfigError(null, "Ssh", "the image's SSH host key is not known ("
                    + GuestHostKey.knownHostsFile(config) + " is missing): rebuild it with kimg -f build");
        }
        return key;
    }
}
