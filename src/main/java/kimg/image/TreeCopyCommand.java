package kimg.image;

import java.nio.file.Path;
import java.util.List;
import kimg.exec.Sandbox;

/**
 * Copies a host tree into the image with the image as / (bubblewrap), so that absolute symlinks in the image
 * (Debian's /var/run → /run, /etc/localtime → /usr/share/...) resolve inside the image and a copy can never
 * write through them onto the host. Files become root-owned, as in mkosi's ExtraTrees=. Pure.
 *
 * <p>The copy merges: a directory of the source that already exists in the image (as a directory or as a
 * symlink to one) is entered rather than copied over. A plain {@code cp -a} refuses to put a DESTDIR's
 * {@code lib/} onto a merged-/usr image's {@code /lib → usr/lib} symlink; this follows the link instead, as
 * installing there would. Only entries missing from the image are copied whole (one cp each).
 */
public final class TreeCopyCommand {
    static final String SOURCE = "/tmp/kimg-source";

    /** Fixed script; the destination and source are its arguments $1 and $2, never part of its text. */
    static final String MERGE_SCRIPT = """
            set -e
            merge() {
                for e in "$1"/* "$1"/.[!.]* "$1"/..?*; do
                    [ -e "$e" ] || [ -L "$e" ] || continue
                    t="$2/${e##*/}"
                    if [ -d "$e" ] && [ ! -L "$e" ] && [ -d "$t" ]; then
                        merge "$e" "$t"
                    else
                        cp -a --no-preserve=ownership --remove-destination -- "$e" "$2/"
                    fi
                done
            }
            mkdir -p -- "$1"
            merge "$2" "$1"
            """;

    private TreeCopyCommand() {}

    /** {@code destination} is an absolute path inside the image; it is created when missing. */
    public static List<String> argv(Path imageRoot, Path source, String destination) {
        return Sandbox.builder().isolated(false)
                .bind(imageRoot, "/").dev("/dev").proc("/proc").tmpfs("/tmp").roBind(source, SOURCE)
                .command("sh", "-c", MERGE_SCRIPT, "kimg-copy", destination, SOURCE).argv();
    }
}
