package kimg.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kimg.config.Architecture;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.Sha256;
import kimg.fs.StagedReplace;

/**
 * The compiled guest init ({@code init.c}, a resource): the image's {@code /usr/lib/kimg/init} when a gcc for the
 * image's architecture can link it statically (the host's gcc, or the cross gcc for a foreign image:
 * aarch64-linux-gnu-gcc with Debian's gcc-aarch64-linux-gnu and libc6-dev-arm64-cross); otherwise the image keeps
 * the shell init, which the compiled one also hands over to for Ssh=yes (see init.c for why it exists: each exec
 * under TCG costs 80-110 ms). Built once per source hash and architecture into
 * {@code <CacheDirectory>/kimg-init-<hash>[-<arch>]/init}.
 */
final class GuestInit {
    static final String RESOURCE = "/kimg/image/init.c";
    static final String CACHE_PREFIX = "kimg-init-";

    private GuestInit() {}

    static String source() {
        try (InputStream in = GuestInit.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " missing from the kimg jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the image's init is made from, for the output's inputs: the C source's hash (and foreign arch). */
    static String inputLine(Architecture architecture) {
        return "guest-init=" + variant(architecture);
    }

    /** The source hash, with the architecture appended for a foreign one (the host's keeps its old name). */
    private static String variant(Architecture architecture) {
        String hash = Sha256.of(source()).substring(0, 16);
        return architecture.foreignTo(Architecture.host()) ? hash + "-" + architecture : hash;
    }

    /**
     * gcc's command line: static (no loader in the guest's hot path), small, stripped.
     *
     * @param gcc gcc, or a cross gcc ({@link Architecture#gcc})
     */
    static List<String> compileArgv(String gcc, Path source, Path program) {
        return List.of(gcc, "-static", "-Os", "-s", "-Wall", "-o", program.toString(), source.toString());
    }

    /**
     * The compiled init for this source, from the cache or built now; empty (with a warning naming the log) when
     * the host cannot build it, in which case the image keeps the shell init, slower but complete.
     */
    static Optional<Path> program(Exec exec, Path cacheDirectory, Architecture architecture) {
        String source = source();
        String gcc = architecture.gcc(Architecture.host());
        Path dir = cacheDirectory.resolve(CACHE_PREFIX + variant(architecture));
        Path program = dir.resolve("init");
        if (Files.isExecutable(program)) {
            return Optional.of(program);
        }
        Path c = null;
        try {
            Files.createDirectories(dir);
            // Private names: two kimgs compiling at once must not read each other's half-written files (the
            // program is staged under this process's name, StagedReplace).
            c = Files.createTempFile(dir, "init", ".c");
            Files.writeString(c, source);
            Path cFile = c;
            StagedReplace.replaceFile(program, staged -> {
                String failure;
                try {
                    Exec.Result r = exec.runUnchecked("guest-init", Cmd.of(compileArgv(gcc, cFile, staged)));
                    failure = r.exitStatus() == 0 ? null : gcc + " -static failed, see " + r.log();
                } catch (StepFailed e) {
                    failure = e.getMessage();
                }
                if (failure != null) {
                    throw new NotCompiled(failure);
                }
            });
            return Optional.of(program);
        } catch (NotCompiled e) {
            exec.console().warn("cannot compile the guest init (" + e.getMessage()
                    + "): the image gets the shell init, which boots slower");
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("guest init in " + dir + ": " + e.getMessage(), e);
        } finally {
            if (c != null) {
                try {
                    Files.deleteIfExists(c);
                } catch (IOException e) {
                    // a stray source file in kimg's own cache directory: harmless
                }
            }
        }
    }

    /** The host cannot build the init: not an error, the image keeps the shell init. */
    private static final class NotCompiled extends RuntimeException {
        NotCompiled(String why) {
            super(why);
        }
    }

    /** Puts {@code program} in place of the shell init in the image {@code root}. */
    static void install(Path root, Path program) {
        try {
            Path target = root.resolve(GuestSetup.INIT.substring(1));
            Files.deleteIfExists(target);
            Files.copy(program, target);
            Files.setPosixFilePermissions(target, GuestSetup.permissions(0755));
        } catch (IOException e) {
            throw new UncheckedIOException("guest init in " + root + ": " + e.getMessage(), e);
        }
    }
}
