package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.image.GuestSetup.GuestFile;
import kimg.image.GuestSetup.GuestSettings;
import kimg.image.GuestSetup.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files guest setup writes into the image, one by one. */
class GuestSetupTest {
    private static Map<String, GuestFile> files(GuestSettings s) {
        return GuestSetup.files(s).stream().collect(Collectors.toMap(GuestFile::path, Function.identity()));
    }

    @Test
    void initIsTheContractScriptAndExecutable() {
        GuestFile init = files(new GuestSettings("kimg", false, false)).get("/usr/lib/kimg/init");
        assertEquals(Kind.FILE, init.kind());
        assertEquals(0755, init.mode());
        assertTrue(init.content().startsWith("#!/bin/sh\n"));
        assertTrue(init.content().contains("KIMG_EXIT_STATUS="));
        assertEquals(GuestSetup.initScript(), init.content());
    }

    @Test
    void initramfsInitPointsAtTheKimgInit() {
        GuestFile init = files(new GuestSettings("kimg", false, false)).get("/init");
        assertEquals(Kind.SYMLINK, init.kind());
        assertEquals("usr/lib/kimg/init", init.content());
    }

    @Test
    void autologinIsASettingOfTheInit() {
        assertEquals("# written by kimg; read by /usr/lib/kimg/init\nKIMG_AUTOLOGIN=yes\nKIMG_SSH=no\n",
                files(new GuestSettings("kimg", true, false)).get("/usr/lib/kimg/guest.conf").content());
        assertTrue(files(new GuestSettings("kimg", false, false)).get("/usr/lib/kimg/guest.conf").content()
                .contains("KIMG_AUTOLOGIN=no\n"));
    }

    @Test
    void hostnameAndHosts() {
        var f = files(new GuestSettings("box-1", false, false));
        assertEquals("box-1\n", f.get("/etc/hostname").content());
        assertTrue(f.get("/etc/hosts").content().contains("127.0.1.1\tbox-1\n"));
        assertTrue(f.get("/etc/hosts").content().startsWith("127.0.0.1\tlocalhost\n"));
    }

    @Test
    void workMountPoints() {
        var f = files(new GuestSettings("kimg", false, false));
        assertEquals(Kind.DIRECTORY, f.get("/work/src").kind());
        assertEquals(Kind.DIRECTORY, f.get("/work/build").kind());
    }

    @Test
    void systemdGetsAGeneratorAndAutologinDropInsOnlyWhenPresent() {
        var without = files(new GuestSettings("kimg", true, false));
        assertFalse(without.keySet().stream().anyMatch(p -> p.contains("systemd")));

        var with = files(new GuestSettings("kimg", true, true));
        GuestFile gen = with.get("/usr/lib/systemd/system-generators/kimg-mounts");
        assertEquals(0755, gen.mode());
        assertTrue(gen.content().contains("Type=virtiofs"));
        assertTrue(gen.content().contains("Where=/usr/lib/modules"));
        assertEquals("# written by kimg (Autologin=yes)\n[Service]\nExecStart=\n"
                + "ExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200,57600,38400,9600 - $TERM\n",
                with.get("/etc/systemd/system/serial-getty@.service.d/kimg-autologin.conf").content());
        assertTrue(with.get("/etc/systemd/system/console-getty.service.d/kimg-autologin.conf").content()
                .contains("--autologin root --noclear --keep-baud console 115200,57600,38400,9600 $TERM"));

        var noAutologin = files(new GuestSettings("kimg", false, true));
        assertTrue(noAutologin.containsKey("/usr/lib/systemd/system-generators/kimg-mounts"));
        assertFalse(noAutologin.keySet().stream().anyMatch(p -> p.contains("getty")));
    }

    @Test
    void badHostnameIsAConfigError(@TempDir Path dir) {
        // Checked when the configuration is read (the row's parser), long before the guest is set up.
        ConfigError e = assertThrows(ConfigError.class,
                () -> Config.ofValues(dir, Map.of("Hostname", List.of("bad_name!"))));
        assertEquals("Hostname", e.setting());
    }

    @Test
    void rootGetsAnEmptyPasswordOnlyWhenLocked() {
        assertEquals("root::20780:0:99999:7:::\ndaemon:*:20780:0:99999:7:::\n",
                GuestSetup.withEmptyRootPassword("root:*:20780:0:99999:7:::\ndaemon:*:20780:0:99999:7:::\n"));
        String set = "root:$6$salt$hash:20780:0:99999:7:::\n";
        assertEquals(set, GuestSetup.withEmptyRootPassword(set), "a password someone set is kept");
    }

    @Test
    void applyWritesModesSymlinksAndShadow(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/shadow"), "root:*:1:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/hostname"), "host-leaked\n");
        GuestSetup.apply(root, GuestSetup.files(new GuestSettings("kimg", true, false)));
        assertEquals("rwxr-xr-x",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("usr/lib/kimg/init"))));
        assertEquals(Path.of("usr/lib/kimg/init"), Files.readSymbolicLink(root.resolve("init")));
        assertEquals("kimg\n", Files.readString(root.resolve("etc/hostname")));
        assertEquals("root::1:0:99999:7:::\n", Files.readString(root.resolve("etc/shadow")));
        // Applying twice (a rebuilt output) gives the same tree.
        GuestSetup.apply(root, GuestSetup.files(new GuestSettings("kimg", true, false)));
        assertTrue(Files.isSymbolicLink(root.resolve("init")));
    }

    @Test
    void applyNeverWritesThroughASymlinkOutOfTheImage(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("root");
        Path host = dir.resolve("host-etc");
        Files.createDirectories(root);
        Files.createDirectories(host);
        Files.createSymbolicLink(root.resolve("etc"), host);
        var e = assertThrows(UncheckedIOException.class, () -> GuestSetup.apply(root,
                List.of(new GuestFile("/etc/hostname", Kind.FILE, "x\n", 0644))));
        assertTrue(e.getMessage().contains("leads out of the image"), e.getMessage());
        assertFalse(Files.exists(host.resolve("hostname")));
    }

    @Test
    void sshKeyIsRootsOnlyAuthorizedKeyWithPrivateModes() {
        var f = files(new GuestSettings("kimg", false, false, "ssh-ed25519 AAAAkey kimg"));
        assertEquals("ssh-ed25519 AAAAkey kimg\n", f.get("/root/.ssh/authorized_keys").content());
        assertEquals(0600, f.get("/root/.ssh/authorized_keys").mode());
        assertEquals(0700, f.get("/root/.ssh").mode());
        assertEquals(Kind.DIRECTORY, f.get("/root/.ssh").kind());
        assertEquals(0700, f.get("/root").mode());
        assertTrue(f.get("/usr/lib/kimg/guest.conf").content().contains("KIMG_SSH=yes\n"));
        // The directory comes before the file in it (apply writes in order).
        var paths = GuestSetup.files(new GuestSettings("kimg", false, false, "k")).stream().map(GuestFile::path)
                .toList();
        assertTrue(paths.indexOf("/root/.ssh") < paths.indexOf("/root/.ssh/authorized_keys"));
    }

    @Test
    void withoutSshThereIsNoAuthorizedKey() {
        var f = files(new GuestSettings("kimg", false, false));
        assertFalse(f.containsKey("/root/.ssh/authorized_keys"));
        assertTrue(f.get("/usr/lib/kimg/guest.conf").content().contains("KIMG_SSH=no\n"));
    }

    @Test
    void sshYesReadsTheProjectsPublicKey(@TempDir Path project) throws Exception {
        Config config = Config.ofValues(project, Map.of("Ssh", List.of("true")));
        assertThrows(ConfigError.class, () -> GuestSetup.settings(config, project));
        Files.writeString(project.resolve("mkosi.key.pub"), "ssh-ed25519 AAAAkey kimg\n");
        assertEquals("ssh-ed25519 AAAAkey kimg", GuestSetup.settings(config, project).authorizedKey());
    }

    @Test
    void applyWritesTheAuthorizedKeyWithItsModes(@TempDir Path root) throws Exception {
        GuestSetup.apply(root, GuestSetup.files(new GuestSettings("kimg", true, false, "ssh-ed25519 AAAAkey")));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("root/.ssh/authorized_keys"))));
        assertEquals("rwx------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("root/.ssh"))));
    }
}
