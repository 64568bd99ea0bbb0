package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ModuleDef;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KernelArtifacts;
import kimg.pkg.ExternalModule;
import kimg.pkg.PackageRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kimg package} on the shared kernel (KernelFixture: signed modules and BTF in its config): it packages, it
 * does not rebuild. RPMs are checked with rpm itself (names, versions, signatures, content, an install into an
 * empty root), the -devel package by building the example module from the installed tree alone, the DEBs and
 * the signed apt repository with dpkg-deb and gpg.
 */
class PackageIT {
    private static Path project;
    private static KernelArtifacts kernel;
    private static PackageRun.Packages made;
    private static Exec exec;

    @BeforeAll
    static void packageTheSharedKernel() throws IOException {
        KernelArtifacts shared = KernelFixture.built();
        project = ModuleProjects.newProject("package");
        Files.copy(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"));
        var values = new LinkedHashMap<String, List<String>>();
        values.put("BuildSources", List.of(KernelFixture.sourceTree() + ":kernel"));
        values.put("BuildDirectory", List.of(KernelFixture.cacheDirectory().resolve("builddir").toString()));
        values.put("OutputDirectory", List.of(project.resolve("mkosi.output").toString()));
        values.put("CacheDirectory", List.of(project.resolve("mkosi.cache").toString()));
        values.put("PackageRelease", List.of("1000.kimg"));
        values.put("PackageRepository", List.of("yes"));
        Path demo = KernelFixture.repositoryRoot().resolve("modules/kimg-demo");
        Config config = Config.ofValues(project, values)
                .withModules(List.of(new ModuleDef("kimg-demo", demo, Optional.empty(), true)));
        exec = KernelFixture.exec(project);
        FileTime bzImageBefore = Files.getLastModifiedTime(shared.bzImage());
        try (var lock = KernelFixture.lock()) {
            made = PackageRun.make(config, KernelFixture.options(false), exec, System.getenv());
        }
        kernel = made.kernel();
        assertEquals(shared.release(), kernel.release());
        assertEquals(bzImageBefore, Files.getLastModifiedTime(kernel.bzImage()), "packaging rebuilt the kernel");
    }

    private static String run(String step, String... argv) {
        return exec.capture(step, Cmd.of(argv)).text();
    }

    private static Path rpm(String prefix) {
        return made.rpms().stream().filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + " rpm in " + made.rpms()));
    }

    @Test
    void rpmsAreNamedAndVersionedAsConfiguredSignedAndLaidOutAsADistributionDoes() throws IOException {
        String r = kernel.release();
        String series = "kernel-" + r.split("\\.")[0] + r.split("\\.")[1] + "y";
        assertEquals(3, made.rpms().size(), made.rpms()::toString);
        for (Path p : made.rpms()) {
            String nvr = run("rpm-qpi", "rpm", "-qp", "--nosignature", "--qf", "%{NAME} %{VERSION} %{RELEASE}", p.toString());
            assertTrue(List.of(series + " " + r + " 1000.kimg", series + "-devel " + r + " 1000.kimg",
                    "kimg-demo-" + r + " " + r + " 1000.kimg").contains(nvr.strip()), nvr);
        }
        String info = run("rpm-qpi", "rpm", "-qpi", "--nosignature", rpm(series + "-" + r).toString());
        assertTrue(info.contains("Signature   : RSA/SHA512"), info);
        String provides = run("rpm-provides", "rpm", "-qp", "--nosignature", "--provides", rpm(series + "-devel").toString());
        assertTrue(provides.contains("kernel-devel-uname-r = " + r), provides);

        // rpm -K against a database holding only the project's key: kimg's own check, repeated here.
        Path db = Files.createDirectories(project.resolve("rpmdb"));
        run("rpm-initdb", "rpm", "--dbpath", db.toString(), "--initdb");
        run("rpm-import", "rpm", "--dbpath", db.toString(), "--import",
                made.key().orElseThrow().publicKey().toString());
        var check = new ArrayList<>(List.of("rpm", "--dbpath", db.toString(), "-K"));
        made.rpms().forEach(p -> check.add(p.toString()));
        String k = run("rpm-K", check.toArray(String[]::new));
        assertEquals(3, k.lines().filter(l -> l.endsWith(": digests signatures OK")).count(), k);

        String files = run("rpm-qpl", "rpm", "-qpl", "--nosignature", rpm(series + "-" + r).toString());
        assertTrue(files.lines().anyMatch(("/boot/vmlinuz-" + r)::equals), files);
        assertTrue(files.lines().anyMatch(("/lib/modules/" + r + "/modules.dep")::equals), files);
        assertTrue(files.lines().anyMatch(l -> l.startsWith("/lib/modules/" + r + "/kernel/") && l.endsWith(".ko")));
        String devel = run("rpm-qpl", "rpm", "-qpl", "--nosignature", rpm(series + "-devel").toString());
        for (String f : List.of("/lib/modules/" + r + "/build", "/usr/src/kernels/" + r + "/Module.symvers",
                "/usr/src/kernels/" + r + "/scripts/sign-file", "/usr/src/kernels/" + r + "/vmlinux",
                "/usr/src/kernels/" + r + "/include/config/auto.conf")) {
            assertTrue(devel.lines().anyMatch(f::equals), f);
        }
        assertTrue(devel.lines().noneMatch(l -> l.endsWith(".pem")), "a private key in -devel");

        Path root = Files.createDirectories(project.resolve("rpm-root"));
        var install = new ArrayList<>(List.of("rpm", "--root", root.toString(), "-i", "--nodeps"));
        made.rpms().forEach(p -> install.add(p.toString()));
        exec.run("rpm-install-root", Cmd.of(install));
        assertTrue(Files.isRegularFile(root.resolve("boot/vmlinuz-" + r)));
        assertEquals(Path.of("/usr/src/kernels/" + r), Files.readSymbolicLink(root.resolve("lib/modules/" + r + "/build")));
        Path ko = root.resolve("lib/modules/" + r + "/extra/kimg-demo/kimg_demo.ko");
        assertTrue(ExternalModule.isSigned(ko), "packaged module is unsigned");
        // Stripped before it was signed, as the kernel's own modules are: no DWARF, its .BTF kept.
        String sections = run("readelf", "readelf", "-S", "-W", ko.toString());
        assertTrue(sections.contains(" .BTF ") && !sections.contains(".debug_info"), sections);

        // The -devel package alone builds the example module: a clean copy, make -C <installed tree> M=.
        Path clean = Files.createDirectories(project.resolve("kmod-from-devel"));
        for (String f : List.of("Kbuild", "kimg_demo.c")) {
            Files.copy(KernelFixture.repositoryRoot().resolve("modules/kimg-demo").resolve(f), clean.resolve(f));
        }
        exec.run("kmod-from-devel", Cmd.of("make", "-C", root.resolve("usr/src/kernels/" + r).toString(),
                "M=" + clean, "modules"));
        Path built = clean.resolve("kimg_demo.ko");
        assertEquals(r, run("modinfo", "modinfo", "-F", "vermagic", built.toString()).split(" ")[0]);
        assertTrue(run("readelf", "readelf", "-S", built.toString()).contains(".BTF"), "no BTF in the module");
    }

    @Test
    void debsCarryKimgsControlFilesAndTheRepositoryIsSigned() throws IOException {
        String r = kernel.release();
        assertEquals(3, made.debs().size(), made.debs()::toString);
        Path image = made.debs().stream().filter(p -> p.getFileName().toString().startsWith("linux-image-"))
                .findFirst().orElseThrow();
        String fields = run("dpkg-deb-field", "dpkg-deb", "-f", image.toString(), "Package", "Version");
        assertEquals("Package: linux-image-" + r + "\nVersion: " + r + "-1000.kimg", fields.strip());
        String content = run("dpkg-deb-contents", "dpkg-deb", "-c", image.toString());
        assertTrue(content.contains("./boot/vmlinuz-" + r), content);
        assertTrue(content.contains("root/root"), "owned by the build user");

        Path repo = made.debs().get(0).getParent().resolveSibling("deb-repo");
        Path home = Files.createDirectories(project.resolve("verify-gnupg"));
        Files.setPosixFilePermissions(home, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        run("gpg-import", "gpg", "--homedir", home.toString(), "--batch", "--import",
                made.key().orElseThrow().publicKey().toString());
        String verify = exec.capture("gpg-verify", Cmd.of("gpg", "--homedir", home.toString(), "--batch", "--verify",
                repo.resolve("InRelease").toString())).text();
        assertTrue(verify.contains("Good signature"), verify);
        assertTrue(Files.readString(repo.resolve("Packages")).contains("Package: kimg-demo-" + r));
        exec.runUnchecked("gpg-stop-agent", Cmd.of("gpgconf", "--homedir", home.toString(), "--kill", "gpg-agent"));
        Path rpmRepo = made.rpms().get(0).getParent().resolveSibling("rpm-repo");
        assertTrue(Files.isRegularFile(rpmRepo.resolve("repodata/repomd.xml.asc")));
    }

    @Test
    void theRunsLogDirectoryHasTheLogsByKindAndASummary() throws IOException {
        Path logs = exec.logs().dir();
        kimg.pkg.RunLogs.write(exec, made, java.time.Duration.ofSeconds(1), System.err);
        for (String f : List.of("kernel-compilation.log", "rpm-build.log", "deb-build.log", "signing.log")) {
            assertTrue(Files.size(logs.resolve(f)) > 0, f);
        }
        String summary = Files.readString(logs.resolve("report-summary.log"));
        for (String s : List.of("packaged " + kernel.release(), "cpu: ", "memory: ", "gcc: ", "pahole: v1.",
                "rpm: RPM version")) {
            assertTrue(summary.contains(s), s + " in " + summary);
        }
    }

    /**
     * The DEBs installed into a Debian image by the image stage (a .chroot post-installation script runs dpkg -i),
     * booted with Linux= the vmlinuz unpacked from linux-image's .deb (the packaged kernel, not the build
     * directory's bzImage; VirtioFS is built in, so no initrd), modules from what dpkg installed. The enforcement
     * comes from the kernel's own config (the shipped MODULE_SIG_FORCE=y, read back from /proc/config.gz), not from
     * the command line: an unsigned copy of the example module is refused, the packaged (signed) one loads, and its
     * BTF reads. One extra mmdebstrap (bpftool in Packages=).
     */
    @Test
    void debsInstalledInAnImageBootAndEnforceModuleSignatures() throws IOException {
        String r = kernel.release();
        Path image = Files.createDirectories(project.resolve("deb-image"));
        Path debs = Files.createDirectories(image.resolve("debs"));
        for (Path d : made.debs()) {
            Files.copy(d, debs.resolve(d.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        // The unsigned copy: the packaged module with its signature cut off.
        Path kmodDeb = made.debs().stream().filter(p -> p.getFileName().toString().startsWith("kimg-demo-"))
                .findFirst().orElseThrow();
        Path unpacked = Files.createDirectories(project.resolve("kmod-deb"));
        exec.run("dpkg-deb-extract", Cmd.of("dpkg-deb", "-x", kmodDeb.toString(), unpacked.toString()));
        Path signedKo = unpacked.resolve("lib/modules/" + r + "/extra/kimg-demo/kimg_demo.ko");
        Path imageDeb = made.debs().stream().filter(p -> p.getFileName().toString().startsWith("linux-image-"))
                .findFirst().orElseThrow();
        Path imageUnpacked = Files.createDirectories(project.resolve("image-deb"));
        exec.run("dpkg-deb-extract", Cmd.of("dpkg-deb", "-x", imageDeb.toString(), imageUnpacked.toString()));
        Path vmlinuz = imageUnpacked.resolve("boot/vmlinuz-" + r);
        Path unsigned = Files.createDirectories(image.resolve("unsigned")).resolve("kimg_demo.ko");
        Files.write(unsigned, withoutSignature(Files.readAllBytes(signedKo)));
        assertTrue(!ExternalModule.isSigned(unsigned));
        Files.writeString(image.resolve("install-debs.chroot"), """
                #!/bin/sh
                set -e
                dpkg -i "$SRCDIR"/debs/*.deb
                mkdir -p /root/unsigned
                cp "$SRCDIR"/unsigned/kimg_demo.ko /root/unsigned/
                """);
        Files.setPosixFilePermissions(image.resolve("install-debs.chroot"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        ItProject.debian().build("CacheDirectory=" + RootfsFixture.CACHE)
                .content("Packages=bpftool", "PostInstallationScripts=install-debs.chroot")
                .runtime("RAM=1G", "Linux=" + vmlinuz)
                .write(image);
        KimgCli run = KimgCli.run(image, "-C", image.toString(), "-f", "run", "--", "sh", "-c",
                "uname -r; cat /proc/cmdline; cat /sys/module/module/parameters/sig_enforce;"
                        + " zcat /proc/config.gz | grep '^CONFIG_MODULE_SIG_FORCE=';"
                        + " insmod /root/unsigned/kimg_demo.ko 2>&1; echo unsigned-exit=$?;"
                        + " modprobe kimg_demo && cat /dev/kimg-demo; dmesg | grep -i -E 'kimg|btf|module' | tail -5;"
                        + " bpftool btf dump file /sys/kernel/btf/kimg_demo | grep -c kimg_demo_stats");
        assertEquals(0, run.status(), run::toString);
        List<String> out = run.out().lines().map(String::strip).toList();
        assertTrue(out.contains(r), "the packaged kernel booted: " + run.out());
        assertTrue(out.contains("Y"), "sig_enforce: " + run.out());
        assertTrue(out.contains("CONFIG_MODULE_SIG_FORCE=y"), "the running kernel's config: " + run.out());
        assertTrue(run.out().lines().noneMatch(l -> l.contains("sig_enforce=")), "enforced by the command line: "
                + run.out());
        assertTrue(run.out().contains("Key was rejected by service"), run.out());
        assertTrue(out.stream().anyMatch(l -> l.startsWith("unsigned-exit=") && !l.equals("unsigned-exit=0")), run.out());
        assertTrue(out.contains("hello from kimg-demo on " + r), "the signed module loaded: " + run.out());
        assertTrue(out.stream().anyMatch(l -> l.matches("[1-9][0-9]*")), "BTF of the module: " + run.out());
    }

    /** A signed module without its appended signature (module_signature.h: data, 12-byte trailer, magic). */
    static byte[] withoutSignature(byte[] ko) {
        int magic = "~Module signature appended~\n".length();
        int end = ko.length - magic;
        int sigLen = java.nio.ByteBuffer.wrap(ko, end - 4, 4).getInt();
        return java.util.Arrays.copyOf(ko, end - 12 - sigLen);
    }
}
