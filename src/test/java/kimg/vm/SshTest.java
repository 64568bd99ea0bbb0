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
import kimg.image.GuestHostKey;
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
        Files.createDirectories(project.resolve("mkosi.output"));
        Files.writeString(GuestHostKey.knownHostsFile(config(true)), "kimg-guest ssh-ed25519 AAAA\n");
        assertEquals(key, Ssh.key(config(true), inputs(config(true))));
    }

    @Test
    void anImageWithoutAPinnedHostKeyIsAClearError() throws IOException {
        Files.writeString(project.resolve(Ssh.KEY_FILE), "key");
        Path authorized = project.resolve("image").resolve(Ssh.AUTHORIZED_KEYS);
        Files.createDirectories(authorized.getParent());
        Files.writeString(authorized, "ssh-ed25519 AAAA kimg");
        var e = assertThrows(ConfigError.class, () -> Ssh.key(config(true), inputs(config(true))));
        assertTrue(e.getMessage().contains("host key is not known"), e.getMessage());
    }

    /** Issue 11.13: kimg ssh pins the guest's host key instead of StrictHostKeyChecking=no. */
    @Test
    void sshPinsTheGuestsHostKey() {
        Config c = config(true);
        List<String> argv = Ssh.argv(c, project.resolve(Ssh.KEY_FILE), List.of());
        assertTrue(argv.contains("StrictHostKeyChecking=yes"), argv.toString());
        assertTrue(argv.contains("UserKnownHostsFile=" + project.resolve("mkosi.output/image.known_hosts")),
                argv.toString());
        assertTrue(argv.contains("HostKeyAlias=" + GuestHostKey.ALIAS), argv.toString());
        assertTrue(argv.stream().noneMatch(a -> a.contains("StrictHostKeyChecking=no") || a.endsWith("/dev/null")
                && a.startsWith("UserKnownHostsFile")), argv.toString());
    }

    @Test
    void sshForwardIsBoundToLoopback() {
        Config c = config(true);
        BootInputs in = inputs(c);
        List<String> argv = QemuCommand.argv(c, in, Accelerator.tcg(), VmFixtures.sockets(in), List.of());
        assertTrue(argv.contains("user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:2222-:22"), argv.toString());
    }
}
