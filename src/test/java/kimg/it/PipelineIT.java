package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.Main;
import kimg.manifest.Manifest;
import kimg.module.KernelArtifacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * kimg's main job end to end, through the command line in-process: an mkosi-style project with a kernel source
 * builds (kernel: the shared fixture's build directory, so make has nothing to do; rootfs: the shared cache), boots
 * under QEMU and runs a command in the guest. This is what the README's first command does on the repository.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineIT {
    private static Path project;
    private static KernelArtifacts kernel;

    /** What one kimg invocation printed and returned. */
    record Run(int status, String out, String err) {}

    static Run kimg(String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
                var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, project, o, e);
        }
        Run r = new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(r.out());
        System.err.println(r.err());
        return r;
    }

    @BeforeAll
    static void project() throws IOException {
        kernel = KernelFixture.built();
        RootfsFixture.built(); // warms the distribution cache this project shares
        project = KernelFixture.repositoryRoot().resolve("target/it-projects/pipeline");
        Files.createDirectories(project.resolve("modules/kernel"));
        Files.copy(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(project.resolve("modules/kernel/mkosi.conf"), "[Content]\nPackages=kmod\n");
        ItProject.debian().output("directory")
                .content("Autologin=yes", "Hostname=kimg-it")
                .build("BuildDirectory=" + ItProject.buildDirectoryOf(kernel), "CacheDirectory=" + RootfsFixture.CACHE)
                .runtime("RuntimeBuildSources=yes", "RAM=512M", "CPUs=1")
                .write(project);
        Files.writeString(project.resolve("mkosi.local.conf"), ItProject.empty().include("modules/kernel")
                .build("BuildSources=" + kernel.sourceTree() + ":kernel").text());
    }

    @Test
    @Order(1)
    void forcedRunBuildsBootsAndRunsTheCommandInTheGuest() throws IOException {
        Run r = kimg("-f", "run", "--", "sh", "-c",
                "uname -r; modprobe minix && grep -c '^minix ' /proc/modules; ls /work/src/kernel/Makefile");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains(kernel.release()), r.out());
        assertTrue(r.out().contains("/work/src/kernel/Makefile"), "sources shared at /work/src: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().equals("1")), "minix loaded from /work/build: " + r.out());
        Manifest m = Manifest.read(project.resolve("mkosi.output")).orElseThrow();
        assertEquals(kernel.release(), m.kernel().release());
        assertEquals("directory", m.image().format());
        assertTrue(Files.isDirectory(Path.of(m.image().root()).resolve("usr/lib/modules/" + kernel.release())),
                "a full build installs the kernel's modules into the image");
    }

    @Test
    @Order(2)
    void runWithoutForceBootsTheLastBuildAndReturnsTheCommandsStatus() throws IOException {
        String before = Files.readString(project.resolve("mkosi.output/manifest.toml"));
        Run r = kimg("run", "--", "sh", "-c", "exit 3");
        assertEquals(3, r.status(), r.err());
        assertEquals(before, Files.readString(project.resolve("mkosi.output/manifest.toml")), "nothing was rebuilt");
        assertFalse(r.err().contains("kernel-make"), r.err());
    }

    @Test
    @Order(3)
    void incrementalKernelBuildLeavesTheImageAlone() throws IOException {
        Path image = project.resolve("mkosi.output/image");
        long inode = (long) Files.getAttribute(image, "unix:ino");
        Run r = kimg("-t", "none", "build", "-i", "--kernel");
        assertEquals(0, r.status(), r.err());
        assertEquals(inode, (long) Files.getAttribute(image, "unix:ino"), "the image was not replaced");
        assertTrue(r.err().contains("kernel-make"), r.err());
        assertFalse(r.err().contains("mmdebstrap") || r.err().contains("image-copy"), r.err());
    }

    @Test
    @Order(4)
    void namingAModuleThatIsNotIncludedIsAUsageError() {
        Run r = kimg("build", "-i", "--blktests");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("blktests"), r.err());
        assertEquals(List.of(), r.err().lines().filter(l -> l.startsWith("\tat ")).toList(), "no stack trace");
    }

    /**
     * The README's main command on a machine without kernel sources: Debian's own kernel is installed in the image
     * and boots with root on VirtioFS through the initrd kimg makes for it.
     */
    @Test
    @Order(5)
    void distributionKernelBootsWithKimgsInitrdWhenNoKernelSourceIsConfigured() throws IOException {
        Path distro = KernelFixture.repositoryRoot().resolve("target/it-projects/pipeline-distro-kernel");
        Files.createDirectories(distro);
        ItProject.debian().content("Packages=linux-image-amd64").runtime("RAM=1G").write(distro);
        Run r = kimg("-C", distro.toString(), "-f", "run", "--", "sh", "-c", "uname -r; grep -c ' / virtiofs ' /proc/mounts");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().endsWith("-amd64")), "Debian's kernel booted: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.strip().equals("1")), "root on virtiofs: " + r.out());
        assertTrue(Files.list(distro.resolve("mkosi.output")).anyMatch(p -> p.getFileName().toString()
                .startsWith("image.kimg-initrd-")), "kimg's initrd is kept next to the image");
    }
}
