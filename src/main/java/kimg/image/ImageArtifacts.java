package kimg.image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the image stage produced.
 *
 * @param root          the directory tree the VM boots ({@code <OutputDirectory>/<Output>}) for every format;
 *                      for Format=none the existing tree, or null when there is none
 * @param output        the image as the format asked: the tree itself (directory), the .tar, .cpio or .raw file;
 *                      null for Format=none
 * @param format        directory, tar, cpio, disk or none
 * @param cacheKey      hex SHA-256 of the distribution tree's inputs ({@link RootfsCacheKey})
 * @param cacheHit      the distribution tree came from the cache (no package manager ran)
 * @param distroKernel  the distribution's kernel in the image (/boot/vmlinuz-*), when Packages= installed one
 * @param distroInitrd  its initrd (/boot/initrd.img-*), when the distribution made one
 * @param steps         step name → duration, in order
 */
public record ImageArtifacts(
        Path root,
        Path output,
        String format,
        String cacheKey,
        boolean cacheHit,
        Path distroKernel,
        Path distroInitrd,
        Map<String, Duration> steps) {

    public ImageArtifacts {
        steps = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(steps));
    }
}
