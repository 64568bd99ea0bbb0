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
import java.util.List;
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
 * <p>The hash is the identity; the readable part is for humans. So a lookup that finds no entry of the identity's
 * name takes one stored under another readable part with the same full hash (a ref written {@code v6.1.150} and
 * then as its SHA, a renamed patch series): the same inputs built the same kernel. Its release, and so the guest's
 * {@code uname -r}, says the name it was built under.
 *
 * <p>Layout: {@code <root>/<identity name>/{release, hash, <image file name>, vmlinux, System.map,
 * modules/<release>/}}; {@code hash} holds the full hash (entries stored before it existed have none, and are found
 * by their name only).
 */
public record KernelStore(Path root) {
    static final String RELEASE_FILE = "release";
    static final String HASH_FILE = "hash";

    /**
     * One stored build.
     *
     * @param modulesRoot {@code <entry>/modules}, holding {@code <release>/} as modules_install made it
     */
    public record Entry(Path dir, String release, Path image, Path vmlinux, Path systemMap, Path modulesRoot) {
        public Path modulesDir() {
            return modulesRoot.resolve(release);
        }

        /** The identity name the entry was stored under ({@code <readable>-<8 hex>}). */
        public String name() {
            return dir.getFileName().toString();
        }
    }

    /**
     * The stored build of {@code identity}: the entry of its name, else one of the same full hash under another
     * name (the first in name order), if any. {@code imageName}: the boot image's file name (bzImage).
     */
    public Optional<Entry> lookup(BuildIdentity identity, String imageName) {
        Optional<Entry> named = entry(root.resolve(identity.name()), imageName);
        return named.isPresent() ? named : sameHash(identity, imageName);
    }

    private Optional<Entry> sameHash(BuildIdentity identity, String imageName) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        String suffix = "-" + identity.hash().substring(0, 8);
        try (Stream<Path> s = Files.list(root)) {
            List<Path> candidates = s.filter(d -> !d.getFileName().toString().startsWith(".")
                    && d.getFileName().toString().endsWith(suffix)).sorted().toList();
            for (Path dir : candidates) {
                Path hashFile = dir.resolve(HASH_FILE);
                if (Files.isRegularFile(hashFile)
                        && Files.readString(hashFile, StandardCharsets.UTF_8).strip().equals(identity.hash())) {
                    Optional<Entry> e = entry(dir, imageName);
                    if (e.isPresent()) {
                        return e;
                    }
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry in {@code dir}, if it is one (entries appear whole, by a rename, with their release file). */
    private static Optional<Entry> entry(Path dir, String imageName) {
        Path releaseFile = dir.resolve(RELEASE_FILE);
        if (!Files.isRegularFile(releaseFile)) {
            return Optional.empty();
        }
        try {
            String release = Files.readString(releaseFile, StandardCharsets.UTF_8).strip();
            return Optional.of(new Entry(dir, release, dir.resolve(imageName), dir.resolve("vmlinux"),
                    dir.resolve("System.map"), dir.resolve("modules")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a build's run layer into the store under {@code identity}'s name, atomically; a no-op when the store
     * has a build of it (under that name or, by its hash, another).
     *
     * @param modulesDir the installed {@code <modules root>/<release>} (its build/source links are kept as links)
     */
    public Entry put(BuildIdentity identity, String release, Path image, Path vmlinux, Path systemMap,
            Path modulesDir) {
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
            Files.writeString(tmp.resolve(HASH_FILE), identity.hash() + "\n", StandardCharsets.UTF_8);
            Files.writeString(tmp.resolve(RELEASE_FILE), release + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, root.resolve(identity.name()), StandardCopyOption.ATOMIC_MOVE);
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
