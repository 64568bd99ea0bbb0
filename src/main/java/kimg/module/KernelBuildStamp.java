package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;

/**
 * When the last successful kernel make in a build directory started, kept as the mtime of
 * {@code <build>/}{@value #FILE_NAME}. A source file newer than it may not be in the build: the plan compares the
 * tree's files against it (a cheap staleness check, no make run). The start time, not the end: a file saved while
 * make ran may have been read before the save.
 */
public final class KernelBuildStamp {
    public static final String FILE_NAME = ".kimg-build-stamp";

    private KernelBuildStamp() {}

    /** Records a successful make that started at {@code started}. */
    public static void write(Path buildDir, Instant started) {
        Path f = buildDir.resolve(FILE_NAME);
        try {
            Files.writeString(f, "last successful make started at " + started + "\n");
            Files.setLastModifiedTime(f, FileTime.from(started));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** When the last successful make started, or empty when none was recorded (never built, or an older kimg). */
    public static Optional<FileTime> read(Path buildDir) {
        Path f = buildDir.resolve(FILE_NAME);
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.getLastModifiedTime(f)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
