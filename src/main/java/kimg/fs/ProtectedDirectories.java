package kimg.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Directories kimg must never use for its outputs, caches or build trees, because it creates, replaces and
 * deletes things in them: the root, a system directory, a directory holding the project, and a user's source
 * tree (kimg never writes into one, and deleting a directory that holds one would delete it).
 */
public final class ProtectedDirectories {
    /** Neither these nor anything below them: the OS's own trees and the kernel's virtual file systems. */
    private static final List<Path> SYSTEM_TREES = paths("/proc", "/sys", "/dev", "/boot", "/etc", "/usr",
            "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    /** These themselves (a directory below them is fine: /var/tmp/x, /home/me/project/mkosi.output). */
    private static final Set<Path> SYSTEM_DIRECTORIES = Set.copyOf(paths("/", "/home", "/root", "/var",
            "/var/tmp", "/var/lib", "/var/cache", "/var/log", "/tmp", "/run", "/opt", "/srv", "/mnt", "/media"));

    private ProtectedDirectories() {}

    /**
     * Why {@code dir} cannot hold kimg's outputs, or empty when it can. Paths are compared after resolving the
     * symlinks of their existing part, so a link to /proc is /proc.
     *
     * @param dir         an absolute directory (it may not exist yet)
     * @param project     the project directory
     * @param sourceTrees the BuildSources= trees
     */
    public static Optional<String> whyRefused(Path dir, Path project, List<Path> sourceTrees) {
        Path d = real(dir);
        if (d.getNameCount() == 0) {
            return Optional.of("is the root directory");
        }
        if (SYSTEM_DIRECTORIES.contains(d) || d.getParent() != null && d.getParent().equals(Path.of("/home"))) {
            return Optional.of("is a system or home directory");
        }
        for (Path system : SYSTEM_TREES) {
            if (d.startsWith(system)) {
                return Optional.of("is inside the system directory " + system);
            }
        }
        Path p = real(project);
        if (p.startsWith(d) && !p.equals(d)) {
            return Optional.of("contains the project directory " + p);
        }
        for (Path source : sourceTrees) {
            Path s = real(source);
            if (s.startsWith(d)) {
                return Optional.of("contains the BuildSources tree " + s);
            }
            // Inside a source tree is refused unless the user put the project itself there (then its default
            // mkosi.output/ and friends are inside too, by the user's choice).
            if (d.startsWith(s) && !p.startsWith(s)) {
                return Optional.of("is inside the BuildSources tree " + s + " (kimg never writes into a source tree)");
            }
        }
        return Optional.empty();
    }

    /** The path with the symlinks of its longest existing prefix resolved. */
    static Path real(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (IOException e) {
            return abs;
        }
    }

    private static List<Path> paths(String... names) {
        return Arrays.stream(names).map(Path::of).toList();
    }
}
