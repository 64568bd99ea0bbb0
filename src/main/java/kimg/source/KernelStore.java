package kimg.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;
import kimg.fs.FileTrees;

/**
 * Built kernels by identity (KernelStore=, default {@code <CacheDirectory>/kernels}): one directory per
 * {@link BuildIdentity#name()} holding the run layer of a build, what booting it needs: the boot image, vmlinux,
 * System.map, the installed modules tree and its release. An entry appears whole or not at all (written under a
 * temporary name, then renamed), so several kimg processes, or machines sharing the store over NFS, can read and
 * add entries at once; the first writer of an identity wins and the others drop their copy.
 *
 * <p>Layout: {@code <root>/<identity>/{release, <image file name>, vmlinux, System.map, modules/<release>/}}.
 */
public record KernelStore(Path root) {
    static final String RELEASE_FILE = "release";

    /**
     * One stored build.
     *
     * @param modulesRoot {@code <entry>/modules}, holding {@code <release>/} as modules_install made it
     */
    public record Entry(Path dir, String release, Path image, Path vmlinux, Path systemMap, Path modulesRoot) {
        public Path modulesDir() {
            return modulesRoot.resolve(release);
        }
    }

    /** The stored build of {@code identity}, if any. {@code imageName}: the boot image's file name (bzImage). */
    public Optional<Entry> lookup(String identity, String imageName) {
        Path dir = root.resolve(identity);
        Path releaseFile = dir.resolve(RELEASE_FILE);
        if (!Files.isRegularFile(releaseFile)) {
            return Optional.empty();
        }
        try {
            String release = Files.readString(releaseFile, StandardCharsets.UTF_8).strip();
            return Optional.of(entry(dir, release, imageName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a build's run layer into the store under {@code identity}, atomically; a no-op when it is there.
     *
     * @param modulesDir the installed {@code <modules root>/<release>} (its build/source links are kept as links)
     */
    public Entry put(String identity, String release, Path image, Path vmlinux, Path systemMap, Path modulesDir) {
        String imageName = image.getFileName().toString();
        Optional<Entry> there = lookup(identity, imageName);
        if (there.isPresent()) {
            return there.get();
        }
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, ".put-");
            Files.copy(image, tmp.resolve(imageName));
            Files.copy(vmlinux, tmp.resolve("vmlinux"));
            Files.copy(systemMap, tmp.resolve("System.map"));
            copyTree(modulesDir, tmp.resolve("modules").resolve(release));
            Files.writeString(tmp.resolve(RELEASE_FILE), release + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, root.resolve(identity), StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // Another kimg stored the same identity meanwhile: same inputs, same build; keep theirs.
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (tmp != null) {
                FileTrees.deleteRecursively(tmp);
            }
        }
        return lookup(identity, imageName).orElseThrow();
    }

    private static Entry entry(Path dir, String release, String imageName) {
        return new Entry(dir, release, dir.resolve(imageName), dir.resolve("vmlinux"), dir.resolve("System.map"),
                dir.resolve("modules"));
    }

    /** A recursive copy that keeps symbolic links as links (modules' build and source links). */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
