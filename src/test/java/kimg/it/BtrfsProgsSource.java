package kimg.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * The upstream btrfs-progs sources of Debian bookworm's source package (6.2), fetched once into the IT cache with
 * {@code apt-get source --download-only} and unpacked from the .orig tarball (plain tar: no dpkg-dev needed, and
 * the upstream tree is what a developer edits).
 *
 * <p>apt runs with a private sources list (one deb-src line for bookworm), a private lists directory and no
 * package caches, so the host's apt configuration and state are left exactly as they were.
 */
public final class BtrfsProgsSource {
    static final String MIRROR = "http://deb.debian.org/debian";
    static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

    private BtrfsProgsSource() {}

    /** The unpacked tree (cached; never written after unpacking: tests copy it before editing). */
    public static synchronized Path tree() {
        Path cache = KernelFixture.cacheDirectory();
        Path tree = cache.resolve("btrfs-progs-bookworm");
        if (Files.isDirectory(tree)) {
            return tree;
        }
        try (var lock = KernelFixture.lock()) {
            if (Files.isDirectory(tree)) {
                return tree;
            }
            Path work = Files.createTempDirectory(cache, ".btrfs-progs-");
            try {
                Exec exec = KernelFixture.exec(work);
                Path sourcesList = work.resolve("sources.list");
                Files.writeString(sourcesList, "deb-src [signed-by=" + KEYRING + "] " + MIRROR + " bookworm main\n");
                Files.createDirectories(work.resolve("lists/partial"));
                Path download = Files.createDirectories(work.resolve("download"));
                List<String> options = List.of(
                        "-o", "Dir::Etc::SourceList=" + sourcesList,
                        "-o", "Dir::Etc::SourceParts=" + work.resolve("no-sources.d"),
                        "-o", "Dir::State::Lists=" + work.resolve("lists"),
                        "-o", "Dir::Cache=" + work,
                        "-o", "Dir::Cache::pkgcache=",
                        "-o", "Dir::Cache::srcpkgcache=",
                        // the private directories belong to root; apt's download sandbox user could not write them
                        "-o", "APT::Sandbox::User=root",
                        "-o", "Debug::NoLocking=1");
                exec.run("apt-get-update", Cmd.of(argv("apt-get", options, "-q", "update")));
                exec.run("apt-get-source", Cmd.of(argv("apt-get", options, "-q", "source", "--download-only",
                        "btrfs-progs")).in(download));
                Path orig;
                try (Stream<Path> s = Files.list(download)) {
                    orig = s.filter(p -> p.getFileName().toString().matches("btrfs-progs_.*\\.orig\\.tar\\..*"))
                            .findFirst().orElseThrow(() -> new IOException("no .orig tarball in " + download));
                }
                Path unpacked = Files.createDirectories(work.resolve("unpacked"));
                exec.run("unpack-btrfs-progs", Cmd.of("tar", "-xf", orig.toString(), "-C", unpacked.toString()));
                Path top;
                try (Stream<Path> s = Files.list(unpacked)) {
                    top = s.filter(Files::isDirectory).findFirst()
                            .orElseThrow(() -> new IOException("no directory in " + orig));
                }
                Files.move(top, tree, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                KernelFixture.deleteTree(work);
            }
            return tree;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> argv(String tool, List<String> options, String... rest) {
        var argv = new java.util.ArrayList<String>();
        argv.add(tool);
        argv.addAll(options);
        argv.addAll(List.of(rest));
        return argv;
    }
}
