package kimg.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * {@code mkosi.version} next to mkosi.conf: ImageVersion= when nothing sets it, and where {@code -B/--auto-bump}
 * keeps the version (mkosi v26: its last dot-separated number goes up by one, a non-number gets ".2" appended,
 * no file means "1"). kimg never runs an executable mkosi.version or mkosi.bump: it refuses them.
 */
public final class ImageVersions {
    public static final String FILE = "mkosi.version";

    private ImageVersions() {}

    /** The version in {@code <dir>/mkosi.version}, if the file is there. */
    static Optional<String> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (Files.isExecutable(file)) {
            throw new ConfigError(Origin.at(file, 1), "ImageVersion",
                    "an executable mkosi.version is a script: kimg does not run it");
        }
        try {
            String v = Files.readString(file, StandardCharsets.UTF_8).strip();
            return v.isEmpty() ? Optional.empty() : Optional.of(v);
        } catch (IOException e) {
            throw new ConfigError(Origin.at(file, 1), "ImageVersion", "cannot read: " + e.getMessage());
        }
    }

    /** The next version after {@code <dir>/mkosi.version} (mkosi's bump rule). */
    public static String bump(Path dir) {
        if (Files.exists(dir.resolve("mkosi.bump"))) {
            throw ConfigError.usage("-B: " + dir.resolve("mkosi.bump") + " is a bump script: kimg does not run it");
        }
        return read(dir).map(ImageVersions::next).orElse("1");
    }

    static String next(String version) {
        int dot = version.lastIndexOf('.');
        String last = version.substring(dot + 1);
        if (last.matches("[0-9]+")) {
            return version.substring(0, dot + 1) + (Long.parseLong(last) + 1);
        }
        return version + ".2";
    }

    /** After a successful {@code build -B}: the built version becomes mkosi.version (replaced atomically). */
    public static void write(Config config) {
        Path file = config.directory().resolve(FILE);
        try {
            Path tmp = Files.createTempFile(config.directory(), ".mkosi.version", ".tmp");
            Files.writeString(tmp, config.get(Settings.IMAGE_VERSION) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
