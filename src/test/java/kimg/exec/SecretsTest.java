package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11.13: secrets in Environment= never reach a log or the --debug console, and logs are private. */
class SecretsTest {
    @TempDir
    Path dir;

    @Test
    void secretLookingNamesAreRecognised() {
        for (String name : List.of("GITHUB_TOKEN", "aws_secret_access_key", "DB_PASSWORD", "PASSWD", "API_KEY",
                "NPM_AUTH", "GIT_CREDENTIALS", "SESSION_COOKIE")) {
            assertTrue(Secrets.looksSecret(name), name);
        }
        for (String name : List.of("CC", "LLVM", "CONFIG", "LOCALVERSION", "ARCH", "PATH")) {
            assertFalse(Secrets.looksSecret(name), name);
        }
    }

    @Test
    void secretEnvironmentValuesAreMaskedInLogsAndTheDebugConsole() throws Exception {
        var console = new ByteArrayOutputStream();
        var exec = new Exec(new StepLogs(dir.resolve("logs/run")),
                new Console(new PrintStream(console, true, StandardCharsets.UTF_8), true, true, null));
        Cmd cmd = new Cmd(List.of("bwrap", "--setenv", "API_TOKEN", "tok-setenv", "--", "env", "DB_PASSWORD=pw-word",
                "CC=clang", "true"), null, Map.of("GITHUB_TOKEN", "tok-env", "LOCALVERSION", "-kimg"), false);
        String rendered = cmd.render();
        assertFalse(rendered.contains("tok-") || rendered.contains("pw-word"), rendered);
        assertTrue(rendered.contains("GITHUB_TOKEN='***'") && rendered.contains("LOCALVERSION=-kimg")
                && rendered.contains("CC=clang") && rendered.contains("API_TOKEN '***'"), rendered);

        Exec.Result r = exec.capture("printenv", new Cmd(List.of("sh", "-c", "test \"$GITHUB_TOKEN\" = tok-env"),
                null, Map.of("GITHUB_TOKEN", "tok-env"), false));
        String log = Files.readString(r.log());
        assertTrue(log.startsWith("$ GITHUB_TOKEN='***'"), log);
        assertFalse(log.contains("tok-env"), log);
        assertFalse(console.toString(StandardCharsets.UTF_8).contains("tok-env"), console.toString());
    }

    @Test
    void logsAndTheirDirectoriesArePrivate() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        var exec = new Exec(new StepLogs(dir.resolve("logs/run")), Console.plain(new PrintStream(
                java.io.OutputStream.nullOutputStream())));
        Exec.Result r = exec.capture("step", Cmd.of("true"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(r.log())));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("logs/run/summary.txt"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs/run"))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs"))));
    }
}
