package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import kimg.config.Architecture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The binfmt_misc handler a foreign image needs, read from a stand-in for /proc/sys/fs/binfmt_misc. */
class ForeignBinariesTest {
    @TempDir
    Path binfmt;

    private Optional<String> arm64() {
        return ForeignBinaries.problem(Architecture.ARM64, Architecture.X86_64, binfmt);
    }

    @Test
    void theHostsOwnArchitectureNeedsNoHandler() {
        assertEquals(Optional.empty(), ForeignBinaries.problem(Architecture.X86_64, Architecture.X86_64, binfmt));
    }

    @Test
    void notMountedNotRegisteredDisabledAndWithoutFEachSayHowToFixIt() throws Exception {
        assertTrue(arm64().orElseThrow().contains("binfmt_misc is not mounted"), arm64().toString());
        assertTrue(arm64().orElseThrow().contains("apt-get install qemu-user-static binfmt-support"));
        Files.writeString(binfmt.resolve("register"), "");
        assertTrue(arm64().orElseThrow().contains("no " + binfmt.resolve("qemu-aarch64") + " handler"));
        assertTrue(arm64().orElseThrow().endsWith("update-binfmts --enable qemu-aarch64"), arm64().toString());
        Files.writeString(binfmt.resolve("qemu-aarch64"), "disabled\ninterpreter /usr/libexec/qemu-binfmt/"
                + "aarch64-binfmt-P\nflags: PF\n");
        assertTrue(arm64().orElseThrow().contains("disabled"));
        Files.writeString(binfmt.resolve("qemu-aarch64"), "enabled\ninterpreter /usr/bin/qemu-aarch64\nflags: P\n");
        assertTrue(arm64().orElseThrow().contains("lacks the F flag"));
        Files.writeString(binfmt.resolve("qemu-aarch64"), "enabled\ninterpreter /usr/libexec/qemu-binfmt/"
                + "aarch64-binfmt-P\nflags: PF\noffset 0\n");
        assertEquals(Optional.empty(), arm64());
    }
}
