package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.host.HostTools;

/**
 * Writes the archive of Format=tar, cpio or disk from the assembled tree into the staging directory, with the
 * command lines of {@link OutputFormats}; the tree stays next to it.
 */
final class ArchiveWriter {
    /** Used when the project has no mkosi.repart/: one ext4 root partition with the whole tree. */
    static final String BUILTIN_REPART = "[Partition]\nType=root\nFormat=ext4\nCopyFiles=/\n";

    private ArchiveWriter() {}

    /** Writes {@code staging/<archive name>} for {@code format} from {@code root}. */
    static void write(Path root, Path staging, String output, String format, Optional<Path> repart, Exec exec,
            StepTimes times) {
        Path archive = staging.resolve(OutputFormats.archiveName(output, format));
        switch (format) {
            case "tar" -> times.timed("tar", () -> exec.run("tar", Cmd.of(OutputFormats.tarArgv(root, archive))));
            case "cpio" -> {
                HostTools.ensure("cpio", HostTools.CPIO, exec);
                Path list = staging.resolve("cpio-files");
                writeFileList(root, list);
                times.timed("cpio", () -> exec.run("cpio", Cmd.of(OutputFormats.cpioArgv(list, archive)).in(root)));
            }
            case "disk" -> {
                HostTools.ensure("disk", HostTools.DISK, exec);
                Path definitions = repart.orElseGet(() -> builtinRepart(staging));
                long size = OutputFormats.diskSize(treeBytes(root));
                times.timed("systemd-repart", () -> exec.run("systemd-repart",
                        Cmd.of(OutputFormats.repartArgv(definitions, root, size, archive))));
            }
            default -> throw new IllegalArgumentException("unknown format " + format);
        }
    }

    private static Path builtinRepart(Path staging) {
        Path dir = staging.resolve("repart");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("10-root.conf"), BUILTIN_REPART);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The newc list: every entry below the tree, relative, NUL-separated, parents before children. */
    static void writeFileList(Path root, Path list) {
        try (Stream<Path> walk = Files.walk(root); var out = Files.newOutputStream(list)) {
            for (Path e : walk.skip(1).map(root::relativize).sorted().toList()) {
                out.write(e.toString().getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long treeBytes(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
