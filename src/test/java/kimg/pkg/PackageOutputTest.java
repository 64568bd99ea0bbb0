package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.fs.FileTrees;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing into {@code packages/}: each entry replaces its old self whole, only what the run made is touched,
 * and nothing of kimg's in-flight names stays behind.
 */
class PackageOutputTest {
    @TempDir
    Path dir;

    private static Path write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static List<String> names(Path d) {
        return FileTrees.list(d).stream().map(p -> p.getFileName().toString()).toList();
    }

    @Test
    void aFormatsPackagesAreReplacedAsAWholeAndOtherFormatsAreLeftAlone() throws Exception {
        Path out = dir.resolve("mkosi.output/packages");
        write(out.resolve("rpm/kernel-61y-6.1.190-1.x86_64.rpm"), "old");
        write(out.resolve("rpm/kernel-61y-6.1.192-1.x86_64.rpm"), "old unsigned");
        write(out.resolve("rpm-repo/repodata/repomd.xml"), "old repo");
        write(out.resolve("deb/linux-image-6.1.190_6.1.190-1_amd64.deb"), "old deb");
        write(out.resolve("signing-key.asc"), "old key");
        Path staged = dir.resolve("build/package/out");
        write(staged.resolve("rpm/kernel-61y-6.1.192-1.x86_64.rpm"), "new signed");
        write(staged.resolve("signing-key.asc"), "new key");

        PackageOutput.publish(staged, out, List.of("rpm", "rpm-repo", "signing-key.asc"));

        assertEquals(List.of("kernel-61y-6.1.192-1.x86_64.rpm"), names(out.resolve("rpm")));
        assertEquals("new signed", Files.readString(out.resolve("rpm/kernel-61y-6.1.192-1.x86_64.rpm")));
        assertEquals("new key", Files.readString(out.resolve("signing-key.asc")));
        assertFalse(Files.exists(out.resolve("rpm-repo")), "a repository of another run's packages");
        assertEquals("old deb", Files.readString(out.resolve("deb/linux-image-6.1.190_6.1.190-1_amd64.deb")));
        assertEquals(List.of("deb", "rpm", "signing-key.asc"), names(out));
    }

    /** The work directory may sit on another file system (BuildDirectory= elsewhere): copied next, then renamed. */
    @Test
    void aStagedSetOnAnotherFileSystemIsCopiedBesideThenRenamed() throws Exception {
        Path shm = Path.of("/dev/shm");
        Path staged = Files.isWritable(shm) ? Files.createTempDirectory(shm, "kimg-test-") : dir.resolve("staged");
        try {
            write(staged.resolve("deb-repo/Packages"), "Package: linux-image\n");
            write(staged.resolve("deb/linux-image.deb"), "deb");
            Path out = dir.resolve("packages");
            write(out.resolve(".incoming-deb/leftover.deb"), "an interrupted run's");
            PackageOutput.publish(staged, out, List.of("deb", "deb-repo"));
            assertEquals(List.of("deb", "deb-repo"), names(out));
            assertEquals(List.of("linux-image.deb"), names(out.resolve("deb")));
            assertTrue(Files.isRegularFile(out.resolve("deb-repo/Packages")));
        } finally {
            FileTrees.deleteRecursively(staged);
        }
    }
}
