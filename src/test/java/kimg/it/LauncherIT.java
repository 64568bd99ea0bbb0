package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/kimg} as a user installs it: symlinked onto PATH and run from another directory, and from cron or CI
 * where the locale is {@code C} (issue 12: "no POM" through a symlink; issue 11.9: non-ASCII paths under
 * {@code LC_ALL=C}). Runs after {@code package}, so the launcher finds the jar it would otherwise build.
 */
class LauncherIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path LAUNCHER = ROOT.resolve("bin/kimg");

    @TempDir
    Path tmp;

    /** Process output and status. */
    private record Ran(int status, String out, String err) {}

    @BeforeAll
    static void jarIsBuilt() throws Exception {
        if (!Files.isRegularFile(ROOT.resolve("target/kimg.jar"))) {
            // Outside `mvn verify` the launcher builds the jar itself; only when that fails is there nothing to test.
            Ran built = run(ROOT, Map.of(), LAUNCHER.toString(), "--version");
            Assumptions.assumeTrue(built.status() == 0, "the jar cannot be built: " + built.err());
        }
    }

    private static Ran run(Path cwd, Map<String, String> env, String... command) throws IOException,
            InterruptedException {
        var pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().putAll(env);
        Path out = Files.createTempFile("kimg-launcher", ".out");
        Path err = Files.createTempFile("kimg-launcher", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/kimg did not finish: " + List.of(command));
            }
            return new Ran(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void launcherWorksThroughASymlinkFromAnotherDirectory() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("kimg"), LAUNCHER);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

        Ran direct = run(elsewhere, Map.of(), bin.resolve("kimg").toString(), "--version");
        // Found on PATH by a shell, as a user types it (ProcessBuilder would search the test JVM's own PATH).
        Ran onPath = run(elsewhere, Map.of("PATH", bin + ":" + System.getenv("PATH")), "sh", "-c", "kimg --version");

        for (Ran r : List.of(direct, onPath)) {
            assertEquals(0, r.status(), r.toString());
            assertTrue(r.out().startsWith("kimg "), r.toString());
        }
    }

    @Test
    void nonAsciiProjectPathWorksUnderTheCLocale() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("prøject ü"));
        ItProject.empty().content("Packages=vim-tiny").write(project);

        Ran r = run(tmp, Map.of("LC_ALL", "C", "LANG", "C"), LAUNCHER.toString(), "-C", "prøject ü", "summary");

        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().contains("vim-tiny"), r.toString());
    }
}
