package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import kimg.Golden;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a packaged out-of-tree module is finished: stripped as the kernel's installed modules are, then signed (in
 * that order, or the signature breaks). The strip is run for real on an object with DWARF and a .BTF section.
 */
class ExternalModuleTest {
    @TempDir
    Path tmp;

    @Test
    void aModuleIsStrippedThenSigned() {
        List<List<String>> finish = ExternalModule.finishing(Path.of("/stage/usr/src/kernels/6.1.192"),
                Path.of("/b/certs/signing_key.pem"), Path.of("/b/certs/signing_key.x509"), Path.of("/w/kimg_demo.ko"));
        Golden.assertText("package/argv/finish-external-module.argv",
                finish.stream().map(argv -> String.join("\n", argv) + "\n").collect(Collectors.joining("\n")));
    }

    /**
     * gcc -g makes the DWARF, objcopy adds a .BTF section as pahole would: after the strip command the module has
     * no .debug_* section and still has its .BTF (modules' BTF is what bpftool and BPF programs read).
     */
    @Test
    void theStripDropsDwarfAndKeepsBtf() throws Exception {
        Exec exec = new Exec(StepLogs.under(tmp.resolve("logs")), Console.plain(System.err));
        Path c = tmp.resolve("kimg_demo.c");
        Files.writeString(c, "struct kimg_demo_stats { int opens; };\nstruct kimg_demo_stats kimg_demo_stats;\n"
                + "int kimg_demo_init(void) { return kimg_demo_stats.opens; }\n");
        Path ko = tmp.resolve("kimg_demo.ko");
        exec.run("cc", Cmd.of("gcc", "-g", "-c", "-o", ko.toString(), c.toString()));
        Path btf = tmp.resolve("btf.bin");
        Files.write(btf, new byte[] {(byte) 0x9f, (byte) 0xeb, 1, 0});
        exec.run("objcopy", Cmd.of("objcopy", "--add-section", ".BTF=" + btf, ko.toString()));
        assertTrue(sections(exec, ko).contains(".debug_info"), "gcc -g wrote no DWARF");

        List<String> strip = ExternalModule.finishing(tmp, tmp.resolve("key.pem"), tmp.resolve("cert.x509"), ko)
                .get(0);
        assertEquals(0, exec.runUnchecked("strip", Cmd.of(strip)).exitStatus());
        List<String> after = sections(exec, ko);
        assertTrue(after.contains(".BTF"), after::toString);
        assertFalse(after.stream().anyMatch(s -> s.startsWith(".debug_")), after::toString);
    }

    /** The section names, from readelf -S -W. */
    private static List<String> sections(Exec exec, Path elf) {
        return exec.capture("readelf", Cmd.of("readelf", "-S", "-W", elf.toString())).output().stream()
                .map(l -> l.replaceFirst("^\\s*\\[\\s*\\d+\\]\\s+", ""))
                .filter(l -> l.startsWith("."))
                .map(l -> l.split("\\s+")[0])
                .toList();
    }
}
