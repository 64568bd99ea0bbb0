package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A cheap identity of a host tree that goes into the image (extra trees, module outputs): every entry's relative
 * path, type, size, mtime, permissions and symlink target, hashed in name order. Contents are not read, so a
 * kernel modules tree or a DESTDIR costs one directory walk; a rewrite that keeps size and mtime is missed,
 * which build tools never do. Small files that are code (scripts, repart definitions) use {@link #ofFile}, which
 * hashes the content.
 */
public final class TreeFingerprint {
    private TreeFingerprint() {}

    public static String ofTree(Path tree) {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return "missing";
        }
        MessageDigest md = sha256();
        try (Stream<Path> walk = Files.walk(tree)) {
            List<Path> paths = walk.sorted().toList();
            for (Path p : paths) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String type = a.isDirectory() ? "d" : a.isSymbolicLink() ? "l" : a.isRegularFile() ? "f" : "o";
                String line = tree.relativize(p) + "\0" + type + "\0" + (a.isDirectory() ? 0 : a.size()) + "\0"
                        + (a.isDirectory() ? 0 : a.lastModifiedTime().toMillis()) + "\0"
                        + PosixFilePermissions.toString(a.permissions())
                        + (a.isSymbolicLink() ? "\0" + Files.readSymbolicLink(p) : "") + "\n";
                md.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tree, e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static String ofFile(Path file) {
        try {
            if (Files.isDirectory(file)) {
                MessageDigest md = sha256();
                try (Stream<Path> list = Files.list(file)) {
                    for (Path p : list.sorted().toList()) {
                        md.update((p.getFileName() + "\0" + ofFile(p) + "\n").getBytes(StandardCharsets.UTF_8));
                    }
                }
                return HexFormat.of().formatHex(md.digest());
            }
            return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static MessageDigest sha256() {
        return kimg.fs.Sha256.digest();
    }
}
