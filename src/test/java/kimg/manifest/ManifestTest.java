package kimg.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughToml() throws Exception {
        var m = new Manifest("0.1.0", "2026-11-23T10:00:00Z", "debian", "bookworm", "x86-64",
                new Manifest.Kernel("6.1.0-test", "-test", "/src/linux", "/b/kernel/-test", "/b/bzImage", "/b/vmlinux",
                        "/b/System.map", "/b/kernel/modules", "/b/kernel/modules/6.1.0-test", null, null, "abc",
                        "gcc 12.2.0"),
                new Manifest.Image("directory", "/o/image", "/o/image", "k1", true, null, null),
                List.of(new Manifest.Module("btrfs-progs", "/b/btrfs-progs", "/b/btrfs-progs/destdir")),
                Map.of("kernel-make", 3.25));
        m.write(dir);
        String toml = Files.readString(dir.resolve("manifest.toml"));
        assertTrue(toml.contains("release = '6.1.0-test'") || toml.contains("release = \"6.1.0-test\""), toml);
        assertEquals(m, Manifest.read(dir).orElseThrow());
    }

    @Test
    void unreadableManifestMeansNone() throws Exception {
        Files.writeString(dir.resolve("manifest.toml"), "this is = = not toml");
        assertTrue(Manifest.read(dir).isEmpty());
    }
}
