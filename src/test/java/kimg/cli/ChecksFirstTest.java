package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import kimg.config.ConfigTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every argument and setting is checked before any step runs: a bad command line exits 2 with one line, and
 * leaves no log directory, build directory or cache behind (so no step, mmdebstrap included, ever started).
 */
class ChecksFirstTest {
    @TempDir
    Path dir;

    private KimgRun refused(ConfigTree tree, String expected, String... args) {
        KimgRun r = KimgRun.in(tree.root, args);
        assertEquals(2, r.status(), r.toString());
        assertEquals(1, r.errLines().stream().filter(l -> l.startsWith("kimg: error:")).count(), r.toString());
        assertTrue(r.err().contains(expected), r.toString());
        for (String made : new String[] {"mkosi.output/logs", "mkosi.builddir", "mkosi.cache"}) {
            assertFalse(Files.exists(tree.root.resolve(made)), made + " exists: a step ran\n" + r);
        }
        return r;
    }

    private ConfigTree emptyProject() {
        return new ConfigTree(dir).file("mkosi.conf", "[Distribution]", "Distribution=debian", "Release=bookworm");
    }

    @Test
    void runWithoutACommand() {
        refused(emptyProject().file("mkosi.conf.d/10-pkgs.conf", "[Content]", "Packages=linux-image-amd64"),
                "kimg run needs a command", "run");
    }

    @Test
    void qemuInAProjectWithNothingToBoot() {
        refused(emptyProject(), "nothing to boot", "qemu");
    }

    @Test
    void qemuNoBuildWhenNothingWasBuilt() {
        refused(emptyProject().file("mkosi.conf.d/10-pkgs.conf", "[Content]", "Packages=linux-image-amd64"),
                "nothing to boot", "qemu", "--no-build");
    }

    @Test
    void anUnknownModuleFlag() {
        refused(emptyProject(), "--nosuchmodule", "build", "--nosuchmodule");
    }

    @Test
    void aDistributionKimgCannotBuild() {
        refused(emptyProject(), "cannot build", "-d", "arch", "build");
    }

    @Test
    void anArchitectureKimgCannotBoot() {
        // riscv64 has no row columns for a kernel or a boot yet (x86-64 and arm64 have).
        refused(emptyProject().file("mkosi.conf.d/10-pkgs.conf", "[Content]", "Packages=linux-image-riscv64"),
                "cannot build riscv64", "--architecture=riscv64", "qemu");
    }

    @Test
    void aPlanForAnArchitectureKimgCannotBuild() {
        // Was an internal error (exit 70): the plan resolved riscv64's missing image path.
        ConfigTree tree = emptyProject().dir("src/linux/scripts/kconfig").file("src/linux/Makefile", "all:")
                .file("mkosi.local.conf", "[Build]", "BuildSources=src/linux:kernel");
        refused(tree, "cannot build riscv64", "--architecture=riscv64", "summary", "--plan");
        refused(tree, "cannot build s390x", "--architecture=s390x", "summary", "--plan", "--json");
    }

    @Test
    void aModuleSigningKeyThatIsNotAKeyAndCertificatePem() {
        ConfigTree tree = emptyProject().dir("src/linux/scripts/kconfig").file("src/linux/Makefile", "all:")
                .file("bad.pem", "garbage")
                .file("mkosi.local.conf", "[Build]", "BuildSources=src/linux:kernel", "ModuleSigning=yes",
                        "ModuleSigningKey=bad.pem");
        refused(tree, "mkosi.local.conf:4: ModuleSigningKey=: ", "package");
        refused(tree, "is not one PEM file with a private key and its certificate", "package");
    }

    @Test
    void anEmptyKernelConfigOption() {
        refused(emptyProject(), "'--config': empty", "build", "-c", "");
    }

    /** Found by a new user's trial: these surfaced only after mmdebstrap had run for minutes. */
    @Test
    void aKernelSourceThatIsNotAKernelTree() {
        ConfigTree tree = emptyProject().dir("src/linux").file("mkosi.local.conf", "[Build]",
                "BuildSources=src/linux:kernel");
        refused(tree, "is not a kernel source tree", "build");
    }

    @Test
    void aKernelConfigThatDoesNotExist() {
        ConfigTree tree = emptyProject().dir("src/linux/scripts/kconfig").file("src/linux/Makefile", "all:")
                .file("mkosi.local.conf", "[Build]", "BuildSources=src/linux:kernel", "Environment=CONFIG=nosuch.config");
        refused(tree, "nosuch.config", "build");
    }
}
