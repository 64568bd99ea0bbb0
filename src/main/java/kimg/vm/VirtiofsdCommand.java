package kimg.vm;

import java.nio.file.Path;
import java.util.List;

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

    public static List<String> argv(Virtiofsd daemon, Share share, Path socket) {
        String bin = daemon.binary().toString();
        return switch (daemon.flavour()) {
            case C -> List.of(bin,
                    "--socket-path=" + socket,
                    "-o", "source=" + share.hostDir(),
                    "-o", "cache=" + (share.cache() == Share.Cache.NEVER ? "none" : "auto"),
                    "-o", "xattr",
                    // Works as root here; the daemon also exits by itself once QEMU disconnects.
                    "-o", "sandbox=namespace");
            case RUST -> List.of(bin,
                    "--socket-path", socket.toString(),
                    "--shared-dir", share.hostDir().toString(),
                    "--cache", share.cache() == Share.Cache.NEVER ? "never" : "auto",
                    "--xattr",
                    "--sandbox", "namespace");
        };
    }
}
