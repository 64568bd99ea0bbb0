package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mount points bubblewrap creates inside the image when a post-installation script runs chrooted into it
 * ({@link PostinstSandbox#mountpoints()}): noted before the scripts run, removed afterwards when they are still the
 * empty directory or empty file bwrap made, so the image keeps only what the scripts put there.
 */
final class SandboxMountpoints {
    private SandboxMountpoints() {}

    /** The mount points the image lacks, parents first. */
    static List<Path> missing(Path root) {
        var out = new ArrayList<Path>();
        for (String mountpoint : PostinstSandbox.mountpoints()) {
            Path inImage = root.resolve(mountpoint.substring(1));
            if (!Files.exists(inImage, LinkOption.NOFOLLOW_LINKS)) {
                out.add(inImage);
            }
        }
        return out;
    }

    /** Deletes, children first, those of {@code made} that are an empty directory or an empty regular file. */
    static void removeEmpty(List<Path> made) {
        try {
            for (int i = made.size() - 1; i >= 0; i--) {
                Path p = made.get(i);
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    try (var entries = Files.list(p)) {
                        if (entries.findAny().isEmpty()) {
                            Files.delete(p);
                        }
                    }
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
