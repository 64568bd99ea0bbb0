package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's key pair for Ssh=yes, made by the host's real ssh-keygen. */
class SshKeyTest {
    @TempDir
    Path project;

    private Exec exec() {
        return new Exec(StepLogs.under(project.resolve("logs")), Console.plain(System.err));
    }

    @Test
    void keygenArgvIsAnEd25519KeyWithoutPassphrase() {
        assertEquals(List.of("ssh-keygen", "-t", "ed25519", "-N", "", "-q", "-C", "kimg", "-f", "/p/mkosi.key"),
                SshKey.keygenArgv(Path.of("/p/mkosi.key")));
    }

    @Test
    void generatesBothHalvesOnceAndKeepsThem() throws Exception {
        Path pub = SshKey.ensure(project, exec());
        assertEquals(project.resolve("mkosi.key.pub"), pub);
        String privateKey = Files.readString(project.resolve("mkosi.key"));
        String publicKey = Files.readString(pub);
        assertTrue(privateKey.startsWith("-----BEGIN OPENSSH PRIVATE KEY-----"), privateKey);
        assertTrue(publicKey.startsWith("ssh-ed25519 "), publicKey);
        assertEquals(publicKey.strip(), SshKey.authorizedKey(Config.ofValues(project, Map.of())));

        SshKey.ensure(project, exec());
        assertEquals(privateKey, Files.readString(project.resolve("mkosi.key")), "an existing key is kept");
        assertEquals(publicKey, Files.readString(pub));
        try (var left = Files.list(project)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".kimg-keygen-")));
        }
    }

    @Test
    void aLostPublicHalfIsDerivedFromThePrivateKey() throws Exception {
        SshKey.ensure(project, exec());
        String publicKey = Files.readString(project.resolve("mkosi.key.pub"));
        Files.delete(project.resolve("mkosi.key.pub"));
        SshKey.ensure(project, exec());
        // The comment is not stored in the private key's public part; the key itself is the same.
        String[] again = Files.readString(project.resolve("mkosi.key.pub")).strip().split(" ");
        String[] before = publicKey.strip().split(" ");
        assertEquals(before[0] + " " + before[1], again[0] + " " + again[1]);
    }
}
