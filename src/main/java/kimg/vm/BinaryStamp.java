package kimg.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.function.Supplier;
import kimg.fs.Sha256;

/**
 * What identifies an installed program without running it: its path, size and modification time. Answers
 * learned by running a program ({@code --version}) are cached under this stamp, so a boot starts no probe process
 * and an upgrade (new size or mtime) asks again.
 */
final class BinaryStamp {
    private BinaryStamp() {}

    /** The first executable {@code name} in the directories of {@code pathVariable} (PATH's syntax). */
    static Optional<Path> onPath(String name, String pathVariable) {
        if (pathVariable == null) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(":")) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code PATH:SIZE:MTIME_MILLIS} of the file behind {@code binary} (symlinks followed); "?" if unreadable. */
    static String of(Path binary) {
        try {
            Path real = binary.toRealPath();
            return real + ":" + Files.size(real) + ":" + Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * {@code ask}'s answer about {@code binary}, from {@code <cacheRoot>/probes/<question>-<hash of the stamp>.txt}
     * or asked now and stored there (an unwritable cache only means asking again next time).
     */
    static String cachedAnswer(Path cacheRoot, String question, Path binary, Supplier<String> ask) {
        Path file = cacheRoot.resolve("probes").resolve(question + "-" + Sha256.of(of(binary)).substring(0, 16)
                + ".txt");
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file);
            }
        } catch (IOException e) {
            // Unreadable: ask again.
        }
        String answer = ask.get();
        writeAtomically(file, answer);
        return answer;
    }

    /** Writes a small cache file whole or not at all (concurrent kimgs may race on it). */
    static void writeAtomically(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "probe", ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Not cached: the next boot asks again, which is only slower.
        }
    }
}
