package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.image;
import static kimg.vm.VmFixtures.kernel;
import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import org.junit.jupiter.api.Test;

class KernelCommandLineTest {
    private static List<String> words(Config c, List<String> command, boolean gdb) {
        return KernelCommandLine.words(c, BootInputs.from(c, kernel(), image()), command, gdb);
    }

    @Test
    void rootIsTheVirtiofsShareAndInitIsKimgs() {
        List<String> w = words(config(Map.of()), List.of(), false);
        assertEquals(List.of("root=root", "rootfstype=virtiofs", "rw", "console=ttyS0", "init=/usr/lib/kimg/init"),
                w.subList(0, 5));
    }

    @Test
    void guestCommandIsBase64OfAQuotedShellLine() {
        List<String> w = words(config(Map.of()), List.of("sh", "-c", "echo 'a b'; exit 3"), false);
        String cmd = w.stream().filter(s -> s.startsWith("kimg.cmd=")).findFirst().orElseThrow();
        String decoded = new String(Base64.getDecoder().decode(cmd.substring(9)), StandardCharsets.UTF_8);
        assertEquals("sh -c 'echo '\\''a b'\\''; exit 3'", decoded);
    }

    @Test
    void gdbStubAddsNokaslrAndKeepsAPanickedGuest() {
        List<String> w = words(config(Map.of()), List.of(), true);
        assertTrue(w.contains("nokaslr"));
        assertFalse(w.contains("panic=-1"));
    }

    @Test
    void withoutGdbAPanicEndsTheVm() {
        assertTrue(words(config(Map.of()), List.of(), false).contains("panic=-1"));
    }

    @Test
    void runShowsKernelWarningsOnTheConsoleForTheSplatWatch() {
        List<String> w = words(config(values()), List.of("true"), false);
        // quiet is console loglevel 4, which hides KERN_WARNING and so every WARN() splat.
        assertTrue(w.contains("loglevel=5") && !w.contains("quiet"), w::toString);
    }

    @Test
    void imageThenRuntimeCommandLineAfterKimgsOwn() {
        Config c = config(values(Map.entry("KernelCommandLine", List.of("a=1")),
                Map.entry("KernelCommandLineExtra", List.of("b=2"))));
        List<String> w = words(c, List.of("true"), false);
        assertTrue(w.indexOf("a=1") < w.indexOf("b=2"));
        assertTrue(w.indexOf("loglevel=5") >= 0 && w.indexOf("loglevel=5") < w.indexOf("a=1"),
                "users can override kimg's loglevel=");
        assertTrue(w.get(w.size() - 1).startsWith("kimg.cmd="));
    }

    @Test
    void mountsListTagsPathsAndReadOnly() {
        Config c = config(values(Map.entry("RuntimeTrees", List.of("/h/a:/mnt/a:ro", "/h/b"))));
        assertTrue(words(c, List.of(), false).contains("kimg.mounts=tree0:/mnt/a:ro,tree1:/root/src/b"));
    }

    @Test
    void tooLongACommandLineIsAnError() {
        assertThrows(ConfigError.class, () -> words(config(Map.of()), List.of("echo", "x".repeat(2000)), false));
    }
}
