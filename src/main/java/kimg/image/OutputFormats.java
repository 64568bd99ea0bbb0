package kimg.image;

import java.nio.file.Path;
import java.util.List;

/**
 * The command lines that turn the assembled tree into the output format, and the names of the files they write.
 * Pure. The tree itself stays next to every archive: the VM boots the tree, the archive is for elsewhere.
 */
public final class OutputFormats {
    private OutputFormats() {}

    /** The archive/disk file written next to the tree, or null for directory and none. */
    public static String archiveName(String output, String format) {
        return switch (format) {
            case "tar" -> output + ".tar";
            case "cpio" -> output + ".cpio";
            case "disk" -> output + ".raw";
            default -> null;
        };
    }

    /** GNU tar, names sorted and numeric owners so the archive depends on the tree only; xattrs keep file caps. */
    public static List<String> tarArgv(Path root, Path archive) {
        return List.of("tar", "--create", "--file=" + archive, "--directory=" + root, "--numeric-owner",
                "--sort=name", "--xattrs", "--xattrs-include=*", "--force-local", "--", ".");
    }

    /**
     * A newc cpio (the only format the kernel unpacks as an initramfs), run in the tree with the NUL-separated
     * file list on stdin. GNU cpio reads the list only from stdin, so a fixed two-line shell script does the
     * redirection; the paths are its arguments, never part of the script text.
     */
    public static List<String> cpioArgv(Path fileList, Path archive) {
        return List.of("sh", "-c", "exec cpio --quiet --create --null --format=newc --reproducible --force-local "
                + "--file=\"$1\" < \"$2\"", "kimg-cpio", archive.toString(), fileList.toString());
    }

    /**
     * systemd-repart writes a GPT disk from the project's partition definitions with the tree as the source of
     * CopyFiles=. The size is explicit: systemd 252's --size=auto ignores CopyFiles= and silently truncates the
     * copy into a 10 MB file system (measured).
     */
    public static List<String> repartArgv(Path definitions, Path root, long sizeBytes, Path disk) {
        return List.of("systemd-repart", "--definitions=" + definitions, "--empty=create",
                "--size=" + sizeBytes, "--root=" + root, "--dry-run=no", "--no-pager", "--", disk.toString());
    }

    /** Room for the tree plus file-system overhead (ext4 metadata, journal): 30% + 64 MiB, rounded to MiB. */
    public static long diskSize(long treeBytes) {
        long mib = 1024L * 1024;
        long want = treeBytes + treeBytes * 3 / 10 + 64 * mib;
        return (want + mib - 1) / mib * mib;
    }
}
