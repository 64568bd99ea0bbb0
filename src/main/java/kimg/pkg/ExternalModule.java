package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;

/**
 * An out-of-tree kernel module (a module directory with a Kbuild file or KernelModule=yes): built with kbuild's M=
 * against a -devel tree (the unpacked package content, never the kernel's build directory, which proves the -devel
 * package), in a clean copy of its sources, then stripped of its debug sections as the kernel's own modules are
 * and signed with the kernel's key by the tree's scripts/sign-file.
 */
public final class ExternalModule {
    /** What the kernel looks for at the end of a signed module (include/linux/module_signature.h). */
    static final String SIGNATURE_MAGIC = "~Module signature appended~\n";

    private ExternalModule() {}

    /** A module directory with a Kbuild file is a kernel module unless it says otherwise ({@link KernelModules}). */
    public static boolean isKernelModule(Path moduleDir) {
        return Files.isRegularFile(moduleDir.resolve("Kbuild"));
    }

    /**
     * Copies {@code source} into {@code work} (fresh), builds it against {@code develTree}, strips and signs every
     * .ko with {@code key}/{@code cert} ({@link #finishing}).
     *
     * @return the stripped, signed .ko files, in {@code work}
     * @throws StepFailed when make fails, no .ko comes out, or a module is unsigned after sign-file
     */
    public static List<Path> build(String name, Path source, Path develTree, Path work, Path key, Path cert,
            int jobs, Exec exec) {
        try {
            if (Files.exists(work)) {
                kimg.fs.FileTrees.deleteRecursively(work);
            }
            PayloadTrees.copyTree(source, work, p -> !p.getFileName().toString().endsWith(".ko")
                    && !p.getFileName().toString().endsWith(".o"));
            exec.run("kmod-" + name + "-make", Cmd.of(PackageCommands.makeExternalModule(develTree, work, jobs)));
            List<Path> kos;
            try (var s = Files.list(work)) {
                kos = s.filter(p -> p.getFileName().toString().endsWith(".ko")).sorted().toList();
            }
            if (kos.isEmpty()) {
                throw new StepFailed("kmod-" + name + "-make", null, 0, List.of("no .ko file in " + work));
            }
            var signed = new ArrayList<Path>();
            for (Path ko : kos) {
                List<List<String>> finish = finishing(develTree, key, cert, ko);
                exec.run("kmod-" + name + "-strip", Cmd.of(finish.get(0)));
                exec.run("signing-kmod-" + name, Cmd.of(finish.get(1)));
                if (!isSigned(ko)) {
                    throw new StepFailed("signing-kmod-" + name, null, 0, List.of(ko + " is unsigned after sign-file"));
                }
                signed.add(ko);
            }
            return signed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What finishes a built module, in order: strip it as the kernel's installed modules are (INSTALL_MOD_STRIP=1
     * semantics; .BTF stays), then sign it. The order matters: a signature covers the bytes before it, so stripping
     * a signed module (as a distribution's packaging may) would leave one the kernel refuses.
     *
     * @return the strip command line, then sign-file's
     */
    static List<List<String>> finishing(Path develTree, Path key, Path cert, Path ko) {
        return List.of(PackageCommands.stripModule(ko), PackageCommands.signFile(develTree, key, cert, ko));
    }

    /** True when the module ends with the kernel's signature marker. */
    public static boolean isSigned(Path ko) throws IOException {
        byte[] magic = SIGNATURE_MAGIC.getBytes(StandardCharsets.US_ASCII);
        long size = Files.size(ko);
        if (size < magic.length) {
            return false;
        }
        try (var ch = Files.newByteChannel(ko)) {
            ch.position(size - magic.length);
            var buf = java.nio.ByteBuffer.allocate(magic.length);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read to the end
            }
            return Arrays.equals(buf.array(), magic);
        }
    }

    /**
     * The kernel's signing key: CONFIG_MODULE_SIG_KEY (relative to the build directory, as kbuild reads it), and
     * the certificate kbuild extracted from it (certs/signing_key.x509). Empty without MODULE_SIG.
     */
    public static Optional<Path[]> kernelKey(Path buildDir) {
        try {
            List<String> lines = Files.readAllLines(buildDir.resolve(".config"));
            if (!lines.contains("CONFIG_MODULE_SIG=y")) {
                return Optional.empty();
            }
            String key = "certs/signing_key.pem";
            for (String l : lines) {
                if (l.startsWith("CONFIG_MODULE_SIG_KEY=\"") && l.endsWith("\"")) {
                    key = l.substring("CONFIG_MODULE_SIG_KEY=\"".length(), l.length() - 1);
                }
            }
            return Optional.of(new Path[] {buildDir.resolve(key), buildDir.resolve("certs/signing_key.x509")});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
