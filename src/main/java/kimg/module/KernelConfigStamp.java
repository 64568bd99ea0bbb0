package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything that shaped a build directory's .config, one line per input, kept in
 * {@code <build>/}{@value #FILE_NAME} after a successful configure: the chosen file's content hash and name, the
 * base targets, each fragment's content hash and name, and the make variables (the compiler decides CONFIG_CC_* symbols).
 * Comparing it with the current inputs tells whether to reconfigure, and which input changed.
 */
public record KernelConfigStamp(List<String> lines) {
    public static final String FILE_NAME = ".kimg-config-stamp";

    public KernelConfigStamp {
        lines = List.copyOf(lines);
    }

    public static KernelConfigStamp of(KernelConfigChoice choice, List<Path> fragments, List<String> makeVariables) {
        var lines = new ArrayList<String>();
        // Content and file name, not the full path: the same file reached through another path (a temporary
        // project directory, a moved checkout) must not reconfigure.
        lines.add("config " + sha256(choice.file()) + " " + choice.file().getFileName());
        lines.add("base " + String.join(" ", choice.baseTargets()));
        for (Path f : fragments) {
            lines.add("fragment " + sha256(f) + " " + f.getFileName());
        }
        // Build identity and LOCALVERSION do not reach .config; leaving them out spares a reconfigure.
        lines.add("make " + String.join(" ", makeVariables.stream()
                .filter(v -> !v.startsWith("KBUILD_BUILD_") && !v.startsWith("LOCALVERSION="))
                .toList()));
        return new KernelConfigStamp(lines);
    }

    /** The stamp of the last configure, or null when there is none (never configured, or interrupted). */
    public static KernelConfigStamp read(Path buildDir) {
        Path f = buildDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return new KernelConfigStamp(Files.readAllLines(f, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written only after a configure succeeded, atomically, so a half-done configure is never trusted. */
    public void write(Path buildDir) {
        try {
            Path tmp = Files.createTempFile(buildDir, FILE_NAME, ".tmp");
            Files.write(tmp, lines, StandardCharsets.UTF_8);
            Files.move(tmp, buildDir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forgets the last configure (before starting a new one, so an interrupted one is redone). */
    public static void delete(Path buildDir) {
        try {
            Files.deleteIfExists(buildDir.resolve(FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What differs from {@code older}, as a reason a human can act on; null when nothing does. */
    public String changedSince(KernelConfigStamp older) {
        if (lines.equals(older.lines)) {
            return null;
        }
        for (String line : lines) {
            if (!older.lines.contains(line)) {
                return describe(line) + " changed since the last configure";
            }
        }
        return "a kernel config fragment was removed since the last configure";
    }

    private static String describe(String line) {
        String[] w = line.split(" ", 3);
        return switch (w[0]) {
            case "config" -> "kernel config " + (w.length > 2 ? w[2] : "");
            case "fragment" -> "kernel config fragment " + (w.length > 2 ? w[2] : "");
            case "base" -> "kernel config base";
            default -> "make variables";
        };
    }

    static String sha256(Path file) {
        return kimg.fs.Sha256.of(file);
    }

    static String sha256(byte[] bytes) {
        return kimg.fs.Sha256.of(bytes);
    }
}
