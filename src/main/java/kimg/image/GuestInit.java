package kimg.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.Sha256;
import kimg.exec.StagedReplace;
import kimg.exec.StepFailed;
import kimg.config.Architecture;

/**
 * The compiled guest init ({@code init.c}, a resource): the image's {@code /usr/lib/kimg/init} when the image has
 * the host's architecture and the host's gcc can link it statically; otherwise the image keeps the shell init,
 * which the compiled one also hands over to for Ssh=yes (see init.c for why it exists: each exec under TCG costs
 * 80-110 ms). Built once per source hash into {@code <CacheDirectory>/kimg-init-<hash>/init}.
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

    /** What the image's init is made from, for the output's inputs: the C source's hash, or "shell". */
    static String inputLine(Architecture architecture) {
        return "guest-init=" + (nativeTo(architecture) ? Sha256.of(source()).substring(0, 16) : "shell");
    }

    /** Whether an image of {@code architecture} runs programs the host's gcc builds. */
    static boolean nativeTo(Architecture architecture) {
        return Architecture.host() == architecture;
    }

    /** gcc's command line: static (no loader in the guest's hot path), small, stripped. */
    static List<String> compileArgv(Path source, Path program) {
        return List.of("gcc", "-static", "-Os", "-s", "-Wall", "-o", program.toString(), source.toString());
    }

    /**
     * The compiled init for this source, from the cache or built now; empty (with a warning naming the log) when
     * the host cannot build it, in which case the image keeps the shell init, slower but complete.
     */
    static Optional<Path> program(Exec exec, Path cacheDirectory) {
        String source = source();
        Path dir = cacheDirectory.resolve(CACHE_PREFIX + Sha256.of(source).substring(0, 16));
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
                    Exec.Result r = exec.runUnchecked("guest-init", Cmd.of(compileArgv(cFile, staged)));
                    failure = r.exitStatus() == 0 ? null : "gcc -static failed, see " + r.log();
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
