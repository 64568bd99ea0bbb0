package kimg.image;

import java.nio.file.Path;
import java.util.List;

/**
 * Copies a host tree into the image with the image as / (bubblewrap), so that absolute symlinks in the image
 * (Debian's /var/run → /run, /etc/localtime → /usr/share/...) resolve inside the image and a copy can never
 * write through them onto the host. Files become root-owned, as in mkosi's ExtraTrees=. Pure.
 */
public final class TreeCopyCommand {
    static final String SOURCE = "/tmp/kimg-source";

    private TreeCopyCommand() {}

    /** {@code destination} is an absolute path inside the image; it is created when missing. */
    public static List<String> argv(Path imageRoot, Path source, String destination) {
        return List.of("bwrap", "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-net",
                "--unshare-uts", "--bind", imageRoot.toString(), "/",
                "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--ro-bind", source.toString(), SOURCE,
                "sh", "-c", "mkdir -p \"$1\" && exec cp -a --no-preserve=ownership --remove-destination "
                        + "\"$2/.\" \"$1\"",
                "kimg-copy", destination, SOURCE);
    }
}
