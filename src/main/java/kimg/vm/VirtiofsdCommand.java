package kimg.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.exec.Sandbox;

/**
 * The virtiofsd command line serving one share. Two daemons exist with different flags: QEMU's own C daemon
 * (QEMU up to 7.2; Debian 12 ships it at /usr/lib/qemu/virtiofsd) takes FUSE-style {@code -o} options, the
 * Rust rewrite (the virtiofsd package elsewhere) takes long options, and names "no caching" {@code never} where
 * the C one says {@code none}.
 */
public final class VirtiofsdCommand {
    private VirtiofsdCommand() {}

    public enum Flavour {
        C,
        RUST;

        /**
         * Tells the daemons apart by what they print: the C one's {@code --version} names the FUSE kernel
         * interface and its {@code --help} lists {@code -o source=}; only the Rust one has {@code --shared-dir}.
         */
        public static Flavour fromOutput(String versionAndHelp) {
            if (versionAndHelp.contains("--shared-dir")) {
                return RUST;
            }
            if (versionAndHelp.contains("FUSE kernel interface") || versionAndHelp.contains("source=PATH")
                    || versionAndHelp.contains("virtiofsd version")) {
                return C;
            }
            return RUST;
        }
    }

    /** A located daemon. */
    public record Virtiofsd(Path binary, Flavour flavour) {}

    /**
     * The daemon's argv. A read-only share is read-only on the host side, not only by the guest's mount options
     * (a guest is root in its own kernel and can remount): the Rust daemon is given {@code --readonly}; the C
     * daemon runs inside bubblewrap in a mount namespace where the shared directory is a read-only bind mount
     * ({@code --ro-bind}, recursive), so every write it attempts fails with EROFS.
     */
    public static List<String> argv(Virtiofsd daemon, Share share, Path socket) {
        String bin = daemon.binary().toString();
        return switch (daemon.flavour()) {
            case C -> readOnlyBindFor(share, List.of(bin,
                    "--socket-path=" + socket,
                    "-o", "source=" + share.hostDir(),
                    "-o", "cache=" + (share.cache() == Share.Cache.NEVER ? "none" : "auto"),
                    "-o", "xattr",
                    // Works as root here; the daemon also exits by itself once QEMU disconnects.
                    "-o", "sandbox=namespace"));
            case RUST -> {
                var argv = new ArrayList<>(List.of(bin,
                        "--socket-path", socket.toString(),
                        "--shared-dir", share.hostDir().toString(),
                        "--cache", share.cache() == Share.Cache.NEVER ? "never" : "auto",
                        "--xattr",
                        "--sandbox", "namespace"));
                if (share.readOnly()) {
                    argv.add("--readonly");
                }
                yield List.copyOf(argv);
            }
        };
    }

    /** {@code daemonArgv} as is, or for a read-only share inside bubblewrap with the directory bound read-only. */
    private static List<String> readOnlyBindFor(Share share, List<String> daemonArgv) {
        if (!share.readOnly()) {
            return daemonArgv;
        }
        String dir = share.hostDir().toString();
        // The host's file systems as they are (the socket directory, /proc for the daemon's own sandbox), except
        // the shared tree, which is bound over itself read-only.
        return Sandbox.builder().devBind("/", "/").roBind(dir, dir).command(daemonArgv).argv();
    }
}
