package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Post-installation scripts really run under bubblewrap against a small image made of host binaries: mkosi's
 * helpers act on the image (useradd, mkosi-chroot), a {@code .chroot} script runs inside it, and the script sees
 * mkosi's environment.
 */
class PostinstContractTest {
    private static final Pattern LIBRARY = Pattern.compile("(/\\S+)");

    @TempDir
    Path tmp;

    @Test
    void hostScriptAddsUsersToTheImageAndChrootsIntoIt() throws Exception {
        Path image = image();
        Path out = Files.createDirectories(tmp.resolve("out"));
        var project = new ConfigTree(tmp.resolve("project"))
                .file("mkosi.conf", "[Distribution]", "Distribution=debian", "Release=bookworm",
                        "Architecture=x86-64", "[Config]", "Profiles=p1", "[Build]", "Environment=CC=clang")
                .file("mkosi.profiles/p1/mkosi.conf", "[Content]")
                .file("mkosi.postinst", "#!/bin/sh", "set -e",
                        "useradd --create-home --user-group --uid 2000 fsgqa",
                        "mkosi-chroot sh -c 'id fsgqa' >\"$OUTPUTDIR/id\"",
                        "env >\"$OUTPUTDIR/env\"");
        Config config = project.load();
        run(config, project.path("mkosi.postinst"), image, out);

        assertTrue(Files.readAllLines(image.resolve("etc/passwd")).stream()
                .anyMatch(l -> l.startsWith("fsgqa:x:2000:2000:")), "the image's passwd has fsgqa");
        assertTrue(Files.readAllLines(image.resolve("etc/group")).stream().anyMatch(l -> l.startsWith("fsgqa:x:2000:")));
        assertFalse(Files.readString(Path.of("/etc/passwd")).contains("fsgqa:"), "the host's passwd is untouched");
        Path home = image.resolve("home/fsgqa");
        assertTrue(Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS), "--create-home lands in the image's /home");
        assertEquals(2000, Files.getAttribute(home, "unix:uid"));
        assertTrue(Files.readString(out.resolve("id")).startsWith("uid=2000(fsgqa) gid=2000(fsgqa)"),
                "mkosi-chroot resolves the user in the image");
        List<String> env = Files.readAllLines(out.resolve("env"));
        for (String expected : List.of("DISTRIBUTION=debian", "RELEASE=bookworm", "ARCHITECTURE=x86-64",
                "DISTRIBUTION_ARCHITECTURE=amd64", "EFI_ARCHITECTURE=x64", "BUILDROOT=/buildroot",
                "SRCDIR=/work/src", "CHROOT_SRCDIR=/work/src", "OUTPUTDIR=/work/out", "SCRIPT=/work/postinst",
                "CHROOT_SCRIPT=/work/postinst", "WITH_NETWORK=0", "PROFILES=p1", "CC=clang",
                "MKOSI_UID=" + owner("uid"))) {
            assertTrue(env.contains(expected), expected + " in " + env);
        }
    }

    @Test
    void chrootScriptRunsInsideTheImage() throws Exception {
        Path image = image();
        Path out = Files.createDirectories(tmp.resolve("out"));
        var project = new ConfigTree(tmp.resolve("project"))
                .file("mkosi.conf", "[Distribution]", "Distribution=debian")
                .file("mkosi.postinst.chroot", "#!/bin/sh", "set -e",
                        "cat /etc/os-release >\"$OUTPUTDIR/os-release\"",
                        "echo \"$BUILDROOT $PWD $container\" >\"$OUTPUTDIR/where\"");
        Files.createDirectories(image.resolve("work/src"));
        List<Path> made = SandboxMountpoints.missing(image);
        run(project.load(), project.path("mkosi.postinst.chroot"), image, out);
        SandboxMountpoints.removeEmpty(made);

        assertEquals("ID=kimg-test-image\n", Files.readString(out.resolve("os-release")), "the image's os-release");
        assertEquals("/ /work/src mkosi\n", Files.readString(out.resolve("where")));
        assertTrue(Files.isDirectory(image.resolve("work/src")), "the image's own mount point stays");
        assertFalse(Files.exists(image.resolve("work/out")) || Files.exists(image.resolve("work/postinst")),
                "the mount points bwrap made in the image are gone");
    }

    private void run(Config config, Path script, Path image, Path out) throws Exception {
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path helpers = Files.createDirectories(tmp.resolve("scripts"));
        for (Map.Entry<String, String> h : PostinstSandbox.helpers(false).entrySet()) {
            Path file = helpers.resolve(h.getKey());
            Files.writeString(file, h.getValue());
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        List<String> argv = PostinstSandbox.argv(PostinstSandbox.hostLayout(), script, image, config.directory(),
                out, helpers, false, PostinstSandbox.environment(config, owner("uid"), owner("gid")));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), () -> String.join(" ", argv) + "\n" + log);
    }

    private static long owner(String attribute) throws IOException {
        return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:" + attribute)).longValue();
    }

    /** A merged-/usr tree with the host's sh, id and cat and their libraries, a root user and its own os-release. */
    private Path image() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("image"));
        for (String dir : List.of("usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "etc", "home", "var/tmp")) {
            Files.createDirectories(root.resolve(dir));
        }
        for (String link : List.of("bin", "sbin", "lib", "lib64")) {
            Files.createSymbolicLink(root.resolve(link), Path.of("usr/" + link));
        }
        var files = new ArrayList<Path>();
        for (String tool : List.of("dash", "id", "cat")) {
            Path binary = Path.of("/usr/bin", tool);
            files.add(binary);
            Process ldd = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true).start();
            for (String line : new String(ldd.getInputStream().readAllBytes()).split("\n")) {
                var m = LIBRARY.matcher(line);
                if (m.find()) {
                    files.add(Path.of(m.group(1)));
                }
            }
            assertEquals(0, ldd.waitFor());
        }
        for (Path f : files) {
            // The host is merged-/usr too: /lib/x.so and /usr/lib/x.so are the same file.
            String rel = f.toString().replaceFirst("^/(usr/)?", "usr/");
            Path target = root.resolve(rel);
            Files.createDirectories(target.getParent());
            Files.copy(f.toRealPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createSymbolicLink(root.resolve("usr/bin/sh"), Path.of("dash"));
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:19000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\n");
        Files.writeString(root.resolve("etc/os-release"), "ID=kimg-test-image\n");
        return root;
    }
}
