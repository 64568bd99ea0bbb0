package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.BuildOptions;
import kimg.exec.StepFailed;
import kimg.image.ImageArtifacts;
import kimg.image.ImageBuilder;
import org.junit.jupiter.api.Test;

/**
 * The image builder against a real mmdebstrap tree (the shared {@link RootfsFixture} cache). Each test uses its
 * own project directory under /var/tmp/kimg-it/ sharing the fixture's cache, so the fixture's image is never
 * touched.
 */
class ImageBuildIT {
    private static final Path BASE = Path.of("/var/tmp/kimg-it");

    private static Path project(String name) throws Exception {
        Path dir = BASE.resolve("image-" + name);
        if (Files.exists(dir)) {
            new ProcessBuilder("rm", "-rf", "--one-file-system", dir.toString()).inheritIO().start().waitFor();
        }
        Files.createDirectories(dir);
        return dir;
    }

    private static ImageArtifacts build(Config config, int force, List<ImageBuilder.Overlay> overlays) {
        try {
            return ImageBuilder.build(config, new BuildOptions(false, List.of(), null, force, 2), RootfsFixture.exec(config), overlays);
        } finally {
            kimg.exec.TreeRemoval.awaitBackground(); // as Main does before kimg exits
        }
    }

    private static Object inode(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static Path cacheEntry(ImageArtifacts a) throws IOException {
        try (var s = Files.list(RootfsFixture.CACHE)) {
            return s.filter(p -> p.getFileName().toString().endsWith(a.cacheKey().substring(0, 16))).findFirst()
                    .orElseThrow();
        }
    }

    private static List<String> lines(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor(), String.join(" ", argv) + ": " + out);
        return out;
    }

    @Test
    void fixtureIsAMinbaseTreeWithTheGuestSide() throws IOException {
        ImageArtifacts a = RootfsFixture.built();
        Path root = a.root();
        assertEquals(RootfsFixture.PROJECT.resolve("mkosi.output/image"), root);
        assertEquals(root, a.output());
        assertTrue(Files.isExecutable(root.resolve("usr/lib/kimg/init")));
        assertTrue(Files.isExecutable(root.resolve("usr/sbin/modprobe")), "kmod is always installed");
        assertEquals("kimg-it\n", Files.readString(root.resolve("etc/hostname")));
        assertTrue(Files.isDirectory(root.resolve("work/src")));
        assertTrue(Files.isDirectory(root.resolve("work/build")));
        assertFalse(Files.exists(root.resolve("usr/lib/systemd/systemd")), "the default image does not boot systemd");
        assertNull(a.distroKernel());
    }

    @Test
    void secondBuildIsACacheHitAndTouchesNeitherCacheNorImage() throws IOException {
        ImageArtifacts first = RootfsFixture.built();
        Path entry = cacheEntry(first);
        Object entryInode = inode(entry);
        var entryMtime = Files.getLastModifiedTime(entry);
        Object treeInode = inode(first.root());

        Config config = RootfsFixture.config();
        ImageArtifacts again = build(config, 0, List.of());

        assertTrue(again.cacheHit());
        assertEquals(first.cacheKey(), again.cacheKey());
        assertEquals(entryInode, inode(entry));
        assertEquals(entryMtime, Files.getLastModifiedTime(entry));
        assertEquals(treeInode, inode(again.root()), "nothing changed: the image is not reassembled");
        assertFalse(again.steps().containsKey("mmdebstrap"));
    }

    @Test
    void theImageDoesNotShareInodesWithTheCache() throws IOException {
        ImageArtifacts a = RootfsFixture.built();
        Path cacheRoot = cacheEntry(a).resolve("root");
        for (String f : List.of("usr/bin/bash", "etc/passwd", "usr/sbin/modprobe")) {
            assertNotEquals(inode(cacheRoot.resolve(f)), inode(a.root().resolve(f)), f);
        }
        assertFalse(Files.exists(cacheRoot.resolve("usr/lib/kimg/init")), "guest setup belongs to the output");
    }

    @Test
    void forceRebuildsTheImageFromTheCacheAndDoubleForceRebuildsTheCache() throws Exception {
        RootfsFixture.built();
        Path dir = project("force");
        Config config = RootfsFixture.config(dir, Map.of());
        ImageArtifacts first = build(config, 0, List.of());
        assertTrue(first.cacheHit());
        Path entry = cacheEntry(first);
        Object entryInode = inode(entry);

        Path guestWrite = first.root().resolve("root/written-by-the-guest");
        Files.writeString(guestWrite, "x");
        build(config, 0, List.of());
        assertTrue(Files.exists(guestWrite), "without -f an up-to-date image is kept as the guest left it");

        ImageArtifacts forced = build(config, 1, List.of());
        assertTrue(forced.cacheHit());
        assertFalse(Files.exists(guestWrite), "-f reassembles the image from the cache");
        assertEquals(entryInode, inode(entry), "-f keeps the cache");

        ImageArtifacts forcedTwice = build(config, 2, List.of());
        assertFalse(forcedTwice.cacheHit(), "-ff drops the cache");
        assertEquals(first.cacheKey(), forcedTwice.cacheKey());
        assertNotEquals(entryInode, inode(cacheEntry(forcedTwice)));
        assertTrue(Files.isExecutable(forcedTwice.root().resolve("usr/lib/kimg/init")));
    }

    @Test
    void tarCpioAndDiskOutputsAreReadable() throws Exception {
        RootfsFixture.built();
        Path dir = project("formats");

        ImageArtifacts tar = build(RootfsFixture.config(dir, Map.of("Format", List.of("tar"))), 0, List.of());
        assertEquals(dir.resolve("mkosi.output/image.tar"), tar.output());
        assertTrue(Files.isDirectory(tar.root()), "the VM boots the tree, which stays next to the archive");
        List<String> tarList = lines("tar", "-tf", tar.output().toString());
        assertTrue(tarList.contains("./usr/lib/kimg/init"), tarList.subList(0, 5).toString());
        assertTrue(tarList.contains("./usr/sbin/modprobe"));

        ImageArtifacts cpio = build(RootfsFixture.config(dir, Map.of("Format", List.of("cpio"))), 0, List.of());
        assertEquals(dir.resolve("mkosi.output/image.cpio"), cpio.output());
        List<String> cpioList = lines("sh", "-c", "cpio -it --quiet < \"$1\"", "sh", cpio.output().toString());
        assertTrue(cpioList.contains("init"), "initramfs-ready: /init at the top");
        assertTrue(cpioList.contains("usr/lib/kimg/init"));
        assertTrue(cpioList.contains("dev/console"));
        List<String> header = lines("sh", "-c", "head -c 6 \"$1\"", "sh", cpio.output().toString());
        assertEquals(List.of("070701"), header, "newc magic");

        ImageArtifacts disk = build(RootfsFixture.config(dir, Map.of("Format", List.of("disk"))), 0, List.of());
        assertEquals(dir.resolve("mkosi.output/image.raw"), disk.output());
        byte[] gpt = new byte[8];
        try (var in = Files.newInputStream(disk.output())) {
            in.skipNBytes(512);
            in.readNBytes(gpt, 0, 8);
        }
        assertEquals("EFI PART", new String(gpt));
        assertTrue(Files.size(disk.output()) > 150L * 1024 * 1024, "the whole tree was copied into the partition");
    }

    @Test
    void extraTreesModuleOutputsAndPostinstGoIntoTheImageOnly() throws Exception {
        ImageArtifacts fixture = RootfsFixture.built();
        Path dir = project("content");
        Files.createDirectories(dir.resolve("mkosi.extra/etc"));
        Files.writeString(dir.resolve("mkosi.extra/etc/kimg-extra"), "extra\n");
        // Merged /usr: the image's /lib is a symlink to usr/lib, and /var/run an absolute one to /run.
        Files.createDirectories(dir.resolve("mkosi.extra/lib/kimg-test"));
        Files.writeString(dir.resolve("mkosi.extra/lib/kimg-test/data"), "lib\n");
        Files.createDirectories(dir.resolve("mkosi.extra/var/run/kimg"));
        Files.writeString(dir.resolve("mkosi.extra/var/run/kimg/pid"), "1\n");
        Files.createDirectories(dir.resolve("mkosi.extra/usr/bin"));
        Files.writeString(dir.resolve("mkosi.extra/usr/bin/.hidden-tool"), "#!/bin/sh\n");
        Path script = dir.resolve("mkosi.postinst");
        Files.writeString(script, "#!/bin/sh\nset -e\necho \"$1\" > \"$BUILDROOT/etc/kimg-postinst\"\n"
                + "test -f \"$SRCDIR/mkosi.postinst\"\necho report > \"$OUTPUTDIR/postinst-report.txt\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path modules = dir.resolve("modules-out/6.1.0-kimg");
        Files.createDirectories(modules.resolve("kernel/fs/minix"));
        Files.writeString(modules.resolve("kernel/fs/minix/minix.ko"), "not really a module");

        Config config = RootfsFixture.config(dir, Map.of());
        ImageArtifacts a = build(config, 0,
                List.of(new ImageBuilder.Overlay(dir.resolve("modules-out"), "/usr/lib/modules")));

        assertEquals("extra\n", Files.readString(a.root().resolve("etc/kimg-extra")));
        assertEquals("lib\n", Files.readString(a.root().resolve("usr/lib/kimg-test/data")));
        assertTrue(Files.isSymbolicLink(a.root().resolve("lib")), "the /lib symlink is kept");
        assertEquals("1\n", Files.readString(a.root().resolve("run/kimg/pid")), "/var/run resolved in the image");
        assertFalse(Files.exists(Path.of("/run/kimg/pid")), "never on the host");
        assertTrue(Files.exists(a.root().resolve("usr/bin/.hidden-tool")));
        assertTrue(Files.exists(a.root().resolve("usr/bin/bash")), "merging keeps what was there");
        assertEquals("final\n", Files.readString(a.root().resolve("etc/kimg-postinst")));
        assertEquals("report\n", Files.readString(dir.resolve("mkosi.output/postinst-report.txt")));
        assertTrue(Files.exists(a.root().resolve("usr/lib/modules/6.1.0-kimg/kernel/fs/minix/minix.ko")));
        Path cacheRoot = cacheEntry(fixture).resolve("root");
        assertFalse(Files.exists(cacheRoot.resolve("etc/kimg-extra")));
        assertFalse(Files.exists(cacheRoot.resolve("etc/kimg-postinst")));
        assertFalse(Files.exists(cacheRoot.resolve("usr/lib/modules/6.1.0-kimg")));

        // A changed module output reassembles the image (new overlay fingerprint), still from the cache.
        Files.writeString(modules.resolve("kernel/fs/minix/minix.ko"), "a rebuilt module");
        ImageArtifacts again = build(config, 0,
                List.of(new ImageBuilder.Overlay(dir.resolve("modules-out"), "/usr/lib/modules")));
        assertTrue(again.cacheHit());
        assertEquals("a rebuilt module",
                Files.readString(again.root().resolve("usr/lib/modules/6.1.0-kimg/kernel/fs/minix/minix.ko")));
    }

    @Test
    void aFailingPostinstLeavesThePreviousImage() throws Exception {
        RootfsFixture.built();
        Path dir = project("postinst-fails");
        ImageArtifacts good = build(RootfsFixture.config(dir, Map.of()), 0, List.of());
        Object treeInode = inode(good.root());
        String state = Files.readString(dir.resolve("mkosi.output/.image.kimg-state"));

        Path script = dir.resolve("fail.sh");
        Files.writeString(script, "#!/bin/sh\necho half-done > \"$BUILDROOT/etc/half\"\necho 'it broke' >&2\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Config failing = RootfsFixture.config(dir, Map.of("PostInstallationScripts", List.of(script.toString())));
        StepFailed e = assertThrows(StepFailed.class, () -> build(failing, 0, List.of()));

        assertEquals("postinst-fail.sh", e.step());
        assertEquals(3, e.exitStatus());
        assertTrue(e.lastLines().contains("it broke"), e.lastLines().toString());
        assertEquals(treeInode, inode(good.root()), "the previous image is still in place");
        assertFalse(Files.exists(good.root().resolve("etc/half")));
        assertEquals(state, Files.readString(dir.resolve("mkosi.output/.image.kimg-state")));
        try (var s = Files.list(dir.resolve("mkosi.output"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".kimg-tmp-")));
        }
    }

    @Test
    void aBogusPackageFailsNamingItAndKeepsImageAndCache() throws Exception {
        ImageArtifacts fixture = RootfsFixture.built();
        Path entry = cacheEntry(fixture);
        Object entryInode = inode(entry);
        Path dir = project("bogus-package");
        ImageArtifacts good = build(RootfsFixture.config(dir, Map.of()), 0, List.of());
        Object treeInode = inode(good.root());

        Config bogus = RootfsFixture.config(dir, Map.of("Packages", List.of("kimg-no-such-package")));
        StepFailed e = assertThrows(StepFailed.class, () -> build(bogus, 0, List.of()));

        assertEquals("mmdebstrap", e.step());
        assertEquals("package not found: kimg-no-such-package", e.lastLines().get(0));
        assertTrue(Files.isRegularFile(e.log()));
        assertEquals(treeInode, inode(good.root()));
        assertEquals(entryInode, inode(entry), "the working cache entry survives a failed build");
        try (var s = Files.list(RootfsFixture.CACHE)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".kimg-tmp")));
        }
    }

    @Test
    void aSecondKimgOnTheSameProjectFailsFast() throws Exception {
        RootfsFixture.built();
        Path dir = project("locked");
        Process holder = LockHolder.start(dir);
        try {
            StepFailed e = assertThrows(StepFailed.class,
                    () -> build(RootfsFixture.config(dir, Map.of()), 0, List.of()));
            assertEquals("lock", e.step());
            String message = String.join("\n", e.lastLines());
            assertTrue(message.contains("locked by PID " + holder.pid()), message);
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertTrue(build(RootfsFixture.config(dir, Map.of()), 0, List.of()).cacheHit(),
                "the lock dies with its holder");
    }

    /** Starts ImageBuildMain in its own JVM and returns once its output shows {@code marker}. */
    private static Process startBuildUntil(String marker, String... args) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        var argv = new java.util.ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"),
                ImageBuildMain.class.getName()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        var seen = new java.util.concurrent.CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.err.println("[child] " + line);
                    if (line.contains(marker)) {
                        seen.countDown();
                    }
                }
            } catch (IOException e) {
                // child gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        assertTrue(seen.await(10, java.util.concurrent.TimeUnit.MINUTES), "child never showed " + marker);
        return p;
    }

    private static void terminate(Process p, Path project) throws Exception {
        List<ProcessHandle> tree = p.descendants().toList();
        p.destroy(); // SIGTERM: the same shutdown path as Ctrl-C (SIGINT) in a terminal
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "kimg did not stop");
        for (ProcessHandle h : tree) {
            h.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(h.isAlive(), "left behind: " + h.info().commandLine().orElse("?"));
        }
        // Also what kimg started after our snapshot (a step begun while it was being stopped).
        List<String> orphans = ProcessHandle.allProcesses()
                .map(h -> h.info().commandLine().orElse(""))
                .filter(c -> c.contains(".kimg-staging-") || c.contains(".kimg-tmp-"))
                // Only this test's kimg: other builds on the machine (another checkout's CI run) have their own.
                // (cache temp dirs are named after the kimg that made them: ".kimg-tmp-<entry>-<pid>").
                .filter(c -> c.contains(project.toString()) || c.contains("-" + p.pid() + "/")).toList();
        assertEquals(List.of(), orphans, "no process kimg started outlives it");
    }

    private static List<String> mountsBelow(Path dir) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .map(l -> l.split(" ")[4]).filter(m -> m.startsWith(dir.toString())).toList();
    }

    @Test
    void anInterruptedBuildLeavesThePreviousCacheAndImage() throws Exception {
        ImageArtifacts fixture = RootfsFixture.built();
        Path entry = cacheEntry(fixture);
        Object entryInode = inode(entry);
        Path dir = project("interrupted");
        ImageArtifacts good = build(RootfsFixture.config(dir, Map.of()), 0, List.of());
        Object treeInode = inode(good.root());
        Path cacheDir = RootfsFixture.CACHE;

        // Killed while mmdebstrap builds a new cache entry (another package set: another key).
        Process during = startBuildUntil("mmdebstrap", dir.toString(), "0", "Packages=file");
        Thread.sleep(8000);
        terminate(during, dir);
        assertEquals(List.of(), mountsBelow(cacheDir), "nothing mmdebstrap mounted is left");
        assertEquals(entryInode, inode(entry));
        assertEquals(treeInode, inode(good.root()));

        // Killed while the image is being reassembled (-f).
        Process assembling = startBuildUntil("image-copy", dir.toString(), "1");
        for (int i = 0; i < 200 && assembling.descendants()
                .noneMatch(h -> h.info().command().orElse("").endsWith("/cp")); i++) {
            Thread.sleep(10); // stop it while cp is copying the tree, not before
        }
        terminate(assembling, dir);
        assertEquals(treeInode, inode(good.root()), "the previous image survives an interrupted -f");

        ImageArtifacts after = build(RootfsFixture.config(dir, Map.of()), 0, List.of());
        assertTrue(after.cacheHit());
        assertTrue(Files.isExecutable(after.root().resolve("usr/lib/kimg/init")));
        try (var s = Files.list(dir.resolve("mkosi.output"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".kimg-")), "leftovers removed");
        }
        try (var s = Files.list(cacheDir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".kimg-tmp")));
        }
    }
}
