package kimg.image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the image stage produced.
 *
 * @param root         the directory tree the VM boots (exists for every format)
 * @param distroKernel the distribution's kernel inside the image, nullable
 * @param distroInitrd its initrd, nullable
 */
public record ImageArtifacts(
        Path root,
        Path output,
        String format,
        String cacheKey,
        boolean cacheHit,
        Path distroKernel,
        Path distroInitrd,
        Map<String, Duration> steps) {}
