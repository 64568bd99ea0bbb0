package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigTree;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package signing key with the real gpg, in keyrings of the test's own (a generated key takes about a second):
 * found or made before any other step, a key the keyring lacks refused at its config line, nothing shown as a
 * failed step for an expected miss, an empty export a failure.
 */
class SigningKeyTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private Exec exec;
    private Path kimgHome;

    @BeforeEach
    void exec() {
        exec = new Exec(StepLogs.under(dir.resolve("logs")),
                Console.plain(new PrintStream(terminal, true, StandardCharsets.UTF_8)));
        kimgHome = dir.resolve("cache/kimg-package/gnupg");
    }

    @AfterEach
    void stopAgents() {
        if (Files.isDirectory(kimgHome)) {
            exec.runUnchecked("stop-agent", Cmd.of(PackageCommands.gpgStopAgent(kimgHome)));
        }
    }

    private String terminal() {
        return terminal.toString(StandardCharsets.UTF_8);
    }

    private SigningKey projectKey() {
        Config c = Config.ofValues(dir, Map.of());
        return SigningKey.forRun(c, PackageSettings.of(c), kimgHome, Map.of(), exec).orElseThrow();
    }

    @Test
    void theProjectKeyIsMadeOnceAndItsLookUpIsNoFailedStep() {
        SigningKey first = projectKey();
        assertTrue(first.generated());
        assertTrue(first.keyId().matches("[0-9A-F]{40}"), first.keyId());
        assertTrue(terminal().contains("generated a throwaway package signing key"), terminal());
        SigningKey again = projectKey();
        assertEquals(first.keyId(), again.keyId());
        assertEquals(1, exec.logs().records().stream().filter(r -> r.step().equals("signing-generate-key")).count());
        assertFalse(terminal().contains("✗"), "an expected miss shown as a failed step:\n" + terminal());
        again.release(exec);
    }

    @Test
    void debsAloneNeedNoKeyAndNoGpg() {
        Config c = Config.ofValues(dir, Map.of("PackageFormat", List.of("deb")));
        assertTrue(SigningKey.forRun(c, PackageSettings.of(c), kimgHome, Map.of(), exec).isEmpty());
        assertEquals(List.of(), exec.logs().records());
        assertFalse(Files.exists(kimgHome));
    }

    /** PackageSigningKey= names a key of the user's keyring (GNUPGHOME here): checked before any build step. */
    @Test
    void aSigningKeyTheKeyringLacksIsAConfigErrorAtItsLine() {
        String fingerprint = projectKey().keyId();
        Map<String, String> env = Map.of("GNUPGHOME", kimgHome.toString());
        var tree = new ConfigTree(dir.resolve("project"))
                .file("mkosi.conf", "[Build]", "PackageSigningKey=NOSUCHKEY1234");
        Config fromFile = tree.load();
        ConfigError e = assertThrows(ConfigError.class,
                () -> SigningKey.forRun(fromFile, PackageSettings.of(fromFile), kimgHome, env, exec));
        assertTrue(e.render().startsWith(tree.path("mkosi.conf") + ":2: PackageSigningKey=: gpg has no secret key"
                + " 'NOSUCHKEY1234' in " + kimgHome), e.render());

        Config fromFlag = tree.load("PackageSigningKey=nosuchkey@example.org");
        ConfigError flag = assertThrows(ConfigError.class,
                () -> SigningKey.forRun(fromFlag, PackageSettings.of(fromFlag), kimgHome, env, exec));
        assertTrue(flag.render().startsWith("command line: PackageSigningKey=: "), flag.render());

        for (String spec : List.of(fingerprint, fingerprint.substring(24), "kimg@localhost")) {
            Config found = tree.load("PackageSigningKey=" + spec);
            SigningKey key = SigningKey.forRun(found, PackageSettings.of(found), dir.resolve("unused"), env, exec)
                    .orElseThrow();
            assertEquals(spec, key.keyId());
            assertFalse(key.generated(), "the user's key is the user's: its agent is not kimg's to stop");
        }
        assertFalse(terminal().contains("✗"), terminal());
    }

    /** gpg exits 0 with "WARNING: nothing exported" for a key it lacks: kimg calls that a failure. */
    @Test
    void anEmptyExportIsAFailedStep() throws Exception {
        SigningKey key = projectKey();
        Path out = dir.resolve("work/signing-key.asc");
        Files.createDirectories(out.getParent());
        assertTrue(Files.size(key.exportPublic(out, exec).publicKey()) > 0);
        var missing = new SigningKey(key.gnupgHome(), "NOSUCHKEY1234", true, null);
        StepFailed failed = assertThrows(StepFailed.class, () -> missing.exportPublic(out, exec));
        assertEquals("signing-export-key", failed.step());
        key.release(exec);
    }
}
