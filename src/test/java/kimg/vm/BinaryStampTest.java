package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinaryStampTest {
    @TempDir
    Path tmp;

    @Test
    void anAnswerIsAskedOncePerBinaryAndAgainAfterAnUpgrade() throws Exception {
        Path bin = Files.writeString(tmp.resolve("virtiofsd"), "v1");
        var asked = new AtomicInteger();
        Path cache = tmp.resolve("cache");
        assertEquals("C", BinaryStamp.cachedAnswer(cache, "flavour", bin, () -> "C" + "".repeat(asked.incrementAndGet())));
        assertEquals("C", BinaryStamp.cachedAnswer(cache, "flavour", bin, () -> "X" + asked.incrementAndGet()));
        assertEquals(1, asked.get());
        Files.writeString(bin, "version 2");
        Files.setLastModifiedTime(bin, FileTime.fromMillis(1_000_000));
        assertEquals("RUST", BinaryStamp.cachedAnswer(cache, "flavour", bin, () -> "RUST" + "".repeat(asked.incrementAndGet())));
        assertEquals(2, asked.get());
    }

    @Test
    void onPathFindsTheFirstExecutable() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Files.writeString(a.resolve("qemu"), "not executable");
        Path exe = Files.writeString(b.resolve("qemu"), "");
        assertTrue(exe.toFile().setExecutable(true));
        assertEquals(Optional.of(exe), BinaryStamp.onPath("qemu", a + "::" + b));
        assertEquals(Optional.empty(), BinaryStamp.onPath("qemu", null));
    }
}
