package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import org.junit.jupiter.api.Test;

/**
 * The kernel developer's loop (REFERENCE.md §8): with RuntimeBuildSources=yes the guest's /usr/lib/modules is the
 * host's build directory, so after {@code kimg -t none build -i --kernel} a plain {@code rmmod; modprobe} in the
 * running guest loads the module just rebuilt: no image rebuild, no reboot.
 *
 * <p>The source change happens in a hard-linked copy of the shared tree, built in a relocated copy of the
 * fixture's build directory ({@link KernelTreeCopy}): the first build compiles nothing, the rebuild one file.
 */
class ModuleReloadIT {
    private static final Pattern COMPILED = Pattern.compile("(?m)^  CC(?: \\[M\\])?\\s+(\\S+)$");

    @Test
    void rebuiltModuleIsReloadedInTheRunningGuest() throws IOException {
        KernelArtifacts kernel = KernelFixture.built();
        ImageArtifacts image = RootfsFixture.built();
        String sharedTreeBefore = KernelFixture.treeHash(kernel.sourceTree());

        Path project = Files.createTempDirectory(
                Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects")), "reload-");
        Path control = Files.createDirectories(project.resolve("control"));
        KernelTreeCopy copy = KernelTreeCopy.create(project, kernel, ItProject.empty()
                .runtime("RuntimeBuildSources=yes", "RuntimeTrees=" + control + ":" + LiveGuest.GUEST_CONTROL, "RAM=512M"));
        try {
            long t0 = System.nanoTime();
            KimgCli first = copy.buildModules();
            System.err.printf("ModuleReloadIT: the copy's first build -i took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            assertEquals(0, first.status(), first::toString);
            assertEquals(List.of(), compiled(project), "the copied build directory is up to date");
            Path minix = copy.kernelBuildRoot().resolve("modules").resolve(kernel.release())
                    .resolve("kernel/fs/minix/minix.ko");
            assertTrue(Files.isRegularFile(minix), "the copy's modules are installed for the fixture's release "
                    + kernel.release() + ": " + minix);

            Config config = copy.config();
            Exec exec = new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));
            // The fixture's kernel image: same sources, config and release as the copy, so it loads its modules.
            BootInputs inputs = BootInputs.from(config, kernel, image);
            String marker = "kimg-reload-marker-" + UUID.randomUUID().toString().substring(0, 8);
            try (LiveGuest guest = LiveGuest.start(control, config, exec, inputs, "modprobe minix", 900,
                    Duration.ofMinutes(3))) {
                LiveGuest.Step loaded = guest.run("grep '^minix ' /proc/modules && ! dmesg | grep " + marker,
                        Duration.ofMinutes(1));
                assertEquals(0, loaded.status(), guest::console);

                copy.edit("fs/minix/inode.c", text -> text.replace(
                        "static int __init init_minix_fs(void)\n{\n",
                        "static int __init init_minix_fs(void)\n{\n\tpr_info(\"" + marker + "\\n\");\n"));
                long t1 = System.nanoTime();
                KimgCli rebuilt = copy.buildModules();
                System.err.printf("ModuleReloadIT: build -i after the edit took %.1f s%n", (System.nanoTime() - t1) / 1e9);
                assertEquals(0, rebuilt.status(), rebuilt::toString);
                assertEquals(List.of("fs/minix/inode.o"), compiled(project), "only what the edit touched");

                LiveGuest.Step reloaded = guest.run("rmmod minix && modprobe minix && dmesg | grep " + marker,
                        Duration.ofMinutes(1));
                assertEquals(0, reloaded.status(), guest::console);
                assertTrue(reloaded.output().stream().anyMatch(l -> l.contains(marker)), guest::console);
                assertEquals(0, guest.stop(Duration.ofMinutes(1)), guest::console);
            }
        } finally {
            copy.deleteTreeAndBuilds();
        }
        assertEquals(sharedTreeBefore, KernelFixture.treeHash(kernel.sourceTree()), "the shared tree was written");
        assertFalse(Files.exists(kernel.sourceTree().resolve("fs/minix/.inode.c.kimg-edit")));
    }

    /** The kernel objects the newest run's make compiled (kbuild's {@code CC} and {@code CC [M]} lines). */
    private static List<String> compiled(Path project) throws IOException {
        var out = new ArrayList<String>();
        for (Path log : BisectIT.logs(project, "kernel-make")) {
            Matcher m = COMPILED.matcher(Files.readString(log));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
