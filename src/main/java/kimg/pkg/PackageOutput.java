package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import kimg.fs.FileTrees;

/**
 * {@code <OutputDirectory>/packages/}: what a finished run publishes there. Packages are built, signed and put in
 * repositories under kimg's work directory; only then does each entry (a format's directory such as {@code rpm/},
 * its repository {@code rpm-repo/}, the public key) replace the previous one whole, so a run that fails or is
 * interrupted before leaves the previous good set as it was, and a package of an older run never sits among the
 * new ones.
 */
final class PackageOutput {
    private PackageOutput() {}

    /** Names of kimg's own in-flight entries beside the published ones (hidden: never taken for a package set). */
    static Path incoming(Path outDir, String entry) {
        return outDir.resolve(".incoming-" + entry);
    }

    static Path retired(Path outDir, String entry) {
        return outDir.resolve(".retired-" + entry);
    }

    /**
     * Publishes {@code entries} from {@code staged} into {@code outDir}. First every staged entry is brought next to
     * its place (a rename on the same file system, else a copy: the work directory may be on another one), then each
     * replaces the old one by two renames, and the old one is deleted. An entry the run did not make (a
     * repository without PackageRepository=yes) removes the old one of that name: it listed another run's packages.
     *
     * @param entries names in {@code staged} and {@code outDir}, e.g. "rpm", "rpm-repo", "signing-key.asc"
     */
    static void publish(Path staged, Path outDir, List<String> entries) {
        try {
            Files.createDirectories(outDir);
            for (String e : entries) {
                // Leftovers of a run interrupted while publishing are kimg's own: removed, never published.
                delete(incoming(outDir, e));
                delete(retired(outDir, e));
                Path from = staged.resolve(e);
                if (Files.exists(from, LinkOption.NOFOLLOW_LINKS)) {
                    bring(from, incoming(outDir, e));
                }
            }
            for (String e : entries) {
                Path place = outDir.resolve(e);
                if (Files.exists(place, LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(place, retired(outDir, e), StandardCopyOption.ATOMIC_MOVE);
                }
                if (Files.exists(incoming(outDir, e), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(incoming(outDir, e), place, StandardCopyOption.ATOMIC_MOVE);
                }
                delete(retired(outDir, e));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void bring(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
                PayloadTrees.copyTree(from, to, p -> true);
            } else {
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void delete(Path p) {
        FileTrees.deleteRecursively(p);
    }
}
