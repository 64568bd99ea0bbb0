package kimg.module;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a userspace module's build left: its persistent build directory and the {@code $DESTDIR} tree inside it
 * ({@code <builddir>/destdir}), which is copied into the image by a full build and seen by a running guest at
 * /work/build/<module>/destdir after {@code -i}.
 */
public record ModuleOutput(String name, Path buildDir, Path destDir, Path log, Duration took) {}
