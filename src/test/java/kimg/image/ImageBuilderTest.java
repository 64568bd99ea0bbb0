package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.BuildOptions;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.exec.TreeRemoval;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output stage without a package manager: a tiny fake distribution tree is planted in the cache under the
 * key the config asks for, so every build is a cache hit and the rest (copy, guest setup, scripts, formats,
 * atomic replacement, leftovers, clean) runs for real in milliseconds.
 */
class ImageBuilderTest {
    @TempDir
    Path project;

    private Config config(Map<String, List<String>> extra) {
        var v = new LinkedHashMap<String, List<String>>();
        v.put("Distribution", List.of("debian"));
        v.putAll(extra);
        return Config.ofValues(project, v);
    }

    private Path plantCache(Config config) throws Exception {
        RootfsCacheKey key = RootfsCacheKey.of(RootfsSpec.finalTree(config));
        Path entry = config.cacheDirectory().resolve(key.entryName());
        Files.createDirectories(entry.resolve("root/etc"));
        Files.createDirectories(entry.resolve("root/usr/bin"));
        Files.writeString(entry.resolve("root/etc/shadow"), "root:*:1:0:99999:7:::\n");
        Files.writeString(entry.resolve("root/etc/os-release"), "ID=fake\n");
        Files.writeString(entry.resolve("inputs.txt"), RootfsCache.inputsText(key));
        return entry;
    }

    private static ImageArtifacts build(Config config, int force) {
        var options = new BuildOptions(false, List.of(), null, force, 1);
        var exec = new Exec(StepLogs.under(config.outputDirectory().resolve("logs")), Console.plain(System.err));
        try {
            return ImageBuilder.build(config, options, exec, List.of());
        } finally {
            TreeRemoval.awaitBackground(); // what Main does before kimg exits
        }
    }

    /** clean at {@code level}; returns what the console printed. */
    private static String clean(Config config, int level) {
        var out = new java.io.ByteArrayOutputStream();
        var exec = new Exec(StepLogs.under(config.outputDirectory().resolve("logs")),
                Console.plain(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)));
        ImageBuilder.clean(config, level, exec);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> trash(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".kimg-trash-")).toList();
        }
    }

    private static Object inode(Path p) throws Exception {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    @Test
    void buildsTheOutputTreeFromTheCacheWithGuestSetup() throws Exception {
        Config c = config(Map.of("Hostname", List.of("unit")));
        Path entry = plantCache(c);
        ImageArtifacts a = build(c, 0);
        assertTrue(a.cacheHit());
        assertEquals(project.resolve("mkosi.output/image"), a.root());
        assertEquals(a.root(), a.output());
        assertEquals("ID=fake\n", Files.readString(a.root().resolve("etc/os-release")));
        assertEquals("unit\n", Files.readString(a.root().resolve("etc/hostname")));
        assertTrue(Files.isExecutable(a.root().resolve("usr/lib/kimg/init")));
        assertFalse(Files.exists(entry.resolve("root/usr/lib/kimg")), "the cache is never written to");
        assertTrue(a.steps().containsKey("image-copy"));
        assertNull(a.distroKernel());
    }

    @Test
    void anUnchangedBuildKeepsTheImageAndAChangedSettingRebuildsIt() throws Exception {
        Config c = config(Map.of());
        plantCache(c);
        ImageArtifacts first = build(c, 0);
        Object inode = inode(first.root());
        ImageArtifacts again = build(c, 0);
        assertEquals(inode, inode(again.root()));
        assertFalse(again.steps().containsKey("image-copy"));

        ImageArtifacts renamed = build(config(Map.of("Hostname", List.of("other"))), 0);
        assertEquals("other\n", Files.readString(renamed.root().resolve("etc/hostname")));
        assertTrue(renamed.cacheHit(), "a guest setting never rebuilds the cache");
    }

    @Test
    void forceRebuildsTheImage() throws Exception {
        Config c = config(Map.of());
        plantCache(c);
        Path marker = build(c, 0).root().resolve("guest-wrote-this");
        Files.writeString(marker, "x");
        build(c, 0);
        assertTrue(Files.exists(marker));
        ImageArtifacts forced = build(c, 1);
        assertFalse(Files.exists(marker));
        assertTrue(forced.steps().containsKey("image-copy"));
        // The old tree was deleted in the background and awaited (as Main does): nothing is left of it.
        assertEquals(List.of(), trash(project.resolve("mkosi.output")));
        assertFalse(Files.exists(project.resolve("mkosi.output/.kimg-previous-image")));
    }

    @Test
    void aFailingPostinstKeepsThePreviousImageAndRemovesTheStaging() throws Exception {
        Config good = config(Map.of());
        plantCache(good);
        ImageArtifacts first = build(good, 0);
        Object inode = inode(first.root());

        Path script = project.resolve("mkosi.postinst");
        Files.writeString(script, "#!/bin/sh\ntouch \"$BUILDROOT/etc/partial\"\nexit 7\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        StepFailed e = assertThrows(StepFailed.class, () -> build(good, 0));
        assertEquals("postinst-mkosi.postinst", e.step());
        assertEquals(7, e.exitStatus());
        assertEquals(inode, inode(first.root()));
        assertFalse(Files.exists(first.root().resolve("etc/partial")));
        try (var left = Files.list(project.resolve("mkosi.output"))) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".kimg-tmp-")), "no staging left");
        }

        Files.writeString(script, "#!/bin/sh\nset -e\ntouch \"$BUILDROOT/etc/complete\"\n");
        assertTrue(Files.exists(build(good, 0).root().resolve("etc/complete")), "a changed script rebuilds");
    }

    @Test
    void leftoversOfAnInterruptedRunAreCleanedAndAnAsideTreeRestored() throws Exception {
        Config c = config(Map.of("Format", List.of("none")));
        Path out = project.resolve("mkosi.output");
        Files.createDirectories(out.resolve(".kimg-staging-image/root"));
        Files.createDirectories(out.resolve(".kimg-tmp-image-" + Integer.MAX_VALUE + "/root"));
        Files.createDirectories(out.resolve(".kimg-previous-image/etc"));
        Files.writeString(out.resolve(".kimg-previous-image/etc/hostname"), "old\n");
        ImageArtifacts a = build(c, 0);
        assertEquals(out.resolve("image"), a.root(), "the tree renamed aside is put back");
        assertEquals("old\n", Files.readString(out.resolve("image/etc/hostname")));
        assertFalse(Files.exists(out.resolve(".kimg-staging-image")), "an older kimg's staging directory");
        assertFalse(Files.exists(out.resolve(".kimg-tmp-image-" + Integer.MAX_VALUE)), "its kimg is gone");
        assertNull(a.output());
        assertEquals("none", a.format());
    }

    @Test
    void formatNoneWithoutAnImageHasNoRoot() {
        ImageArtifacts a = build(config(Map.of("Format", List.of("none"))), 0);
        assertNull(a.root());
        assertFalse(a.cacheHit());
    }

    @Test
    void tarAndCpioKeepTheTreeNextToTheArchive() throws Exception {
        Config tar = config(Map.of("Format", List.of("tar")));
        plantCache(tar);
        ImageArtifacts t = build(tar, 0);
        assertEquals(project.resolve("mkosi.output/image.tar"), t.output());
        assertTrue(Files.size(t.output()) > 0);
        assertTrue(Files.isDirectory(t.root()));
        ImageArtifacts c = build(config(Map.of("Format", List.of("cpio"))), 0);
        assertEquals(project.resolve("mkosi.output/image.cpio"), c.output());
        byte[] magic = new byte[6];
        try (var in = Files.newInputStream(c.output())) {
            in.readNBytes(magic, 0, 6);
        }
        assertEquals("070701", new String(magic));
    }

    @Test
    void cleanRemovesOutputsThenCaches() throws Exception {
        Config c = config(Map.of("Format", List.of("tar")));
        Path entry = plantCache(c);
        build(c, 0);
        // The image tree goes as a step of its own (rm -rf in a child), with its final line; no trash is left.
        assertTrue(clean(c, 1).contains("✓ remove-image"));
        assertFalse(Files.exists(project.resolve("mkosi.output/image")));
        assertFalse(Files.exists(project.resolve("mkosi.output/image.tar")));
        assertFalse(Files.exists(project.resolve("mkosi.output/.image.kimg-state")));
        assertEquals(List.of(), trash(project.resolve("mkosi.output")));
        assertTrue(Files.exists(entry));
        assertTrue(clean(c, 2).contains("✓ remove-cached-tree"));
        assertFalse(Files.exists(entry));
        assertEquals(List.of(), trash(entry.getParent()));
    }

    /** Issue 11.1: an output path kimg did not make (no stamp, no state file of an older kimg) is never replaced. */
    @Test
    void buildNeverReplacesATreeKimgDidNotMake() throws Exception {
        Config c = config(Map.of());
        plantCache(c);
        Path mine = Files.createDirectories(project.resolve("mkosi.output/image"));
        Files.writeString(mine.resolve("notes.txt"), "mine\n");
        StepFailed e = assertThrows(StepFailed.class, () -> build(c, 1));
        assertTrue(e.lastLines().get(0).contains("refusing to delete or replace " + mine), e.lastLines()::toString);
        assertEquals("mine\n", Files.readString(mine.resolve("notes.txt")));
        assertThrows(StepFailed.class, () -> clean(c, 1));
        assertTrue(Files.exists(mine.resolve("notes.txt")));
    }

    /** Issue 11.13: each Ssh=yes image gets its own host key (never the cache's), pinned in a known_hosts file. */
    @Test
    void sshImageHasItsOwnHostKeyPinnedInKnownHosts() throws Exception {
        Config c = config(Map.of("Ssh", List.of("true")));
        Path entry = plantCache(c);
        Files.createDirectories(entry.resolve("root/etc/ssh"));
        Files.writeString(entry.resolve("root/etc/ssh/ssh_host_rsa_key"), "shared by every image of the cache\n");
        ImageArtifacts a = build(c, 0);
        Path key = a.root().resolve("etc/ssh/ssh_host_ed25519_key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertFalse(Files.exists(a.root().resolve("etc/ssh/ssh_host_rsa_key")), "the cache's host key is dropped");
        assertTrue(Files.exists(entry.resolve("root/etc/ssh/ssh_host_rsa_key")), "the cache is never written to");
        assertFalse(Files.exists(entry.resolve("root/etc/ssh/ssh_host_ed25519_key")));
        String pub = Files.readString(a.root().resolve("etc/ssh/ssh_host_ed25519_key.pub"));
        String knownHosts = Files.readString(project.resolve("mkosi.output/image.known_hosts"));
        assertEquals(GuestHostKey.ALIAS + " " + pub.split(" ")[0] + " " + pub.split(" ")[1] + "\n", knownHosts);
        build(c, 1);
        assertFalse(knownHosts.equals(Files.readString(project.resolve("mkosi.output/image.known_hosts"))),
                "a rebuilt image has a new host key");
    }

    @Test
    void badOutputNameIsAConfigError() {
        ConfigError e = assertThrows(ConfigError.class, () -> build(config(Map.of("Output", List.of("a/b"))), 0));
        assertEquals("Output", e.setting());
    }

    @Test
    void extraTreesMustBeDirectories() throws Exception {
        Path file = project.resolve("file");
        Files.writeString(file, "");
        Config c = config(Map.of("ExtraTrees", List.of(file.toString())));
        plantCache(c);
        ConfigError e = assertThrows(ConfigError.class, () -> build(c, 0));
        assertEquals("ExtraTrees", e.setting());
    }

    @Test
    void buildOverlayIsItsOwnCachedTreeWithBuildPackages() throws Exception {
        Config c = config(Map.of("Packages", List.of("vim"), "BuildPackages", List.of("gcc")));
        RootfsCacheKey key = RootfsCacheKey.of(RootfsSpec.buildTree(c));
        Path entry = c.cacheDirectory().resolve(key.entryName());
        Files.createDirectories(entry.resolve("root/usr/bin"));
        Files.writeString(entry.resolve("inputs.txt"), RootfsCache.inputsText(key));
        var exec = new Exec(StepLogs.under(project.resolve("logs")), Console.plain(System.err));
        assertEquals(entry.resolve("root"), ImageBuilder.buildOverlay(c, BuildOptions.defaults(), exec));
        assertTrue(entry.getFileName().toString().contains("~build~"));
    }
}
