package kimg.it;

// TEMPORARY: replaced at merge by the kernel/image helpers' fixture

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kimg.module.KernelArtifacts;

/** TEMPORARY stand-in: the kernel built by hand in /var/tmp/vmdev (see the VM helper's notes). */
public final class KernelFixture {
    static final Path DEV = Path.of("/var/tmp/vmdev");

    private KernelFixture() {}

    public static KernelArtifacts built() {
        Path build = DEV.resolve("build");
        Path bzImage = build.resolve("arch/x86/boot/bzImage");
        if (!Files.isRegularFile(bzImage)) {
            throw new IllegalStateException("no hand-built kernel at " + bzImage);
        }
        try {
            String release = Files.readString(build.resolve("include/config/kernel.release")).strip();
            // Laid out like kimg's build root: <BuildDirectory>/<dist>~<rel>~<arch>/kernel/modules/<release>.
            Path modulesRoot = DEV.resolve("bd/debian~bookworm~x86-64/kernel/modules");
            return new KernelArtifacts(release, "", DEV.resolve("src"), build, bzImage, build.resolve("vmlinux"),
                    build.resolve("System.map"), modulesRoot, modulesRoot.resolve(release), null,
                    build.resolve("vmlinux-gdb.py"), "", "gcc", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
