package kimg.vm;

import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.image.ImageArtifacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshTest {
    @TempDir
    Path project;

    private Config config(boolean ssh) {
        return Config.ofValues(project, values(Map.entry("Ssh", List.of(Boolean.toString(ssh)))));
    }

    private BootInputs inputs(Config c) {
        Path root = project.resolve("image");
        return BootInputs.from(c, VmFixtures.kernel(),
                new ImageArtifacts(root, root, "directory", "", false, null, null, Map.of()));
    }

    @Test
    void sshNeedsTheSetting() {
        var e = assertThrows(ConfigError.class, () -> Ssh.key(config(false), inputs(config(false))));
        assertEquals("Ssh", e.setting());
    }

    @Test
    void sshNeedsTheProjectKey() {
        var e = assertThrows(ConfigError.class, () -> Ssh.key(config(true), inputs(config(true))));
        assertTrue(e.getMessage().contains("kimg genkey"), e.getMessage());
    }

    @Test
    void anImageWithoutTheKeyIsAClearError() throws IOException {
        Files.writeString(project.resolve(Ssh.KEY_FILE), "key");
        var e = assertThrows(ConfigError.class, () -> Ssh.key(config(true), inputs(config(true))));
        assertTrue(e.getMessage().contains("the image has no SSH key"), e.getMessage());
    }

    @Test
    void keyIsUsedOnceTheImageHasIt() throws IOException {
        Path key = Files.writeString(project.resolve(Ssh.KEY_FILE), "key");
        Path authorized = project.resolve("image").resolve(Ssh.AUTHORIZED_KEYS);
        Files.createDirectories(authorized.getParent());
        Files.writeString(authorized, "ssh-ed25519 AAAA kimg");
        assertEquals(key, Ssh.key(config(true), inputs(config(true))));
    }

    @Test
    void sshForwardIsBoundToLoopback() {
        Config c = config(true);
        BootInputs in = inputs(c);
        List<String> argv = QemuCommand.argv(c, in, Accelerator.tcg(), VmFixtures.sockets(in), List.of());
        assertTrue(argv.contains("user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22"), argv.toString());
    }
}
