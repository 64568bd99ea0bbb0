package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import kimg.exec.Cmd;
import kimg.module.KernelArtifacts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10's acceptance: a kernel developer's checkout of DaanDeMeyer/mkosi-kernel, used with kimg instead of
 * mkosi, through the real command line. Both eras of the tree are copies kept under
 * {@code src/test/resources/mkosi-kernel/}: HEAD 01b4acb enables the kernel with {@code Profiles=kernel}
 * (mkosi.profiles/kernel/), the "modules" commit c882ba8 with {@code Include=modules/kernel}. The user adds that
 * and {@code BuildSources=<linux>:kernel} to mkosi.local.conf; then {@code kimg -f build} builds the kernel out of
 * tree, {@code kimg run -- uname -r} prints its release and {@code kimg -R build -- -i --kernel} (mkosi-kernel's
 * own spelling) rebuilds only the kernel's modules.
 *
 * <p>Cheap on purpose: the kernel is the shared fixture's tree and build directory (same sources, config and
 * local version, so make finds nothing to do; the fixture's lock is held while kimg builds in it), the kernel
 * config is the project's own {@code mkosi.kernel.config} by {@code Environment=CONFIG=} (the tree's own config
 * is a much larger kernel), and the image comes from the rootfs fixture's cache: the copy's mkosi.local.conf
 * makes the cache key equal, and {@code --package=} clears the tree's package lists.
 */
class MkosiKernelTreeIT {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"profiles-01b4acb, Profiles=kernel", "modules-c882ba8, Include=modules/kernel"})
    void kernelDeveloperUsesTheTreeWithKimg(String tree, String enableKernel) throws IOException {
        KernelArtifacts kernel = KernelFixture.built();
        RootfsFixture.built();
        Path project = copyOfTree(tree);
        Files.writeString(project.resolve("mkosi.local.conf"), """

                # Added by MkosiKernelTreeIT, as the user of the tree would.
                [Config]
                %s

                [Build]
                BuildSources=%s:kernel
                BuildDirectory=%s
                CacheDirectory=%s
                Environment=CONFIG=%s
                """.formatted(enableKernel, kernel.sourceTree(), KernelFixture.cacheDirectory().resolve("builddir"),
                RootfsFixture.PROJECT.resolve("mkosi.cache"),
                KernelFixture.repositoryRoot().resolve("mkosi.kernel.config")), StandardOpenOption.APPEND);

        try (FileChannel lock = KernelFixture.lock()) {
            KimgCli built = KimgCli.run(project, "-C", project.toString(), "--package=", "-f", "build");
            assertEquals(0, built.status(), built::toString);
            assertTrue(Files.isRegularFile(kernel.bzImage()), "the kernel was built in the fixture's build directory");

            KimgCli ran = KimgCli.run(project, "-C", project.toString(), "--package=", "run", "--", "uname", "-r");
            assertEquals(0, ran.status(), ran::toString);
            assertTrue(ran.out().lines().anyMatch(l -> l.strip().equals(kernel.release())),
                    "the guest runs the built release " + kernel.release() + ":\n" + ran);

            FileTime bzImageBefore = Files.getLastModifiedTime(kernel.bzImage());
            Path image = project.resolve("mkosi.output/image");
            FileTime imageBefore = Files.getLastModifiedTime(image);
            KimgCli rebuilt = KimgCli.run(project, "-C", project.toString(), "--package=", "-R", "build", "--",
                    "-i", "--kernel");
            assertEquals(0, rebuilt.status(), rebuilt::toString);
            assertEquals(bzImageBefore, Files.getLastModifiedTime(kernel.bzImage()), "-i builds modules only");
            assertEquals(imageBefore, Files.getLastModifiedTime(image), "-R/-i leave the image alone");
            assertTrue(Files.isDirectory(kernel.buildDir().getParent().resolve("modules").resolve(kernel.release())),
                    "modules installed for " + kernel.release());
        }
    }

    /**
     * The tree copied into a fresh project under target/it-projects. mkosi.postinst is left out: it adds users
     * with {@code useradd} and runs {@code mkosi-chroot}, which need mkosi's sandbox (the image's /etc writable at
     * /etc); kimg runs post-installation scripts with the host's /etc read-only and has no mkosi-chroot.
     */
    private static Path copyOfTree(String tree) throws IOException {
        Path projects = Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects"));
        Path project = Files.createTempDirectory(projects, "mkosi-kernel-" + tree + "-");
        Path source = KernelFixture.repositoryRoot().resolve("src/test/resources/mkosi-kernel").resolve(tree);
        KernelFixture.exec(project).run("copy-mkosi-kernel-tree",
                Cmd.of("cp", "-a", source + "/.", project.toString()));
        Files.delete(project.resolve("mkosi.postinst"));
        return project;
    }
}
