package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.kconfig.KconfigOptions;
import kimg.kconfig.KconfigVerb;
import kimg.module.KconfigValues;
import kimg.module.KernelBuilder;
import kimg.module.LocalKernelConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code kimg kconfig --set} on the real 6.1 tree with a small config (tinyconfig; configure only, no compile), in a
 * build directory of its own under the IT cache: a dropped request is explained with its real unmet chain, the
 * suggested lines work, and the saved fragment survives a reconfigure from scratch.
 */
class KconfigVerbIT {
    @Test
    void setExplainsDroppedSymbolsAndSavesAFragmentThatSurvivesReconfigure() throws Exception {
        Path tree = KernelFixture.sourceTree();
        Path projects = Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects"));
        Path project = Files.createTempDirectory(projects, "kconfig-");
        Files.writeString(project.resolve("mkosi.kernel.config"), "# kimg: base=tinyconfig\nCONFIG_64BIT=y\n");
        Path builds = KernelFixture.cacheDirectory().resolve("kconfig-tinyconfig");
        Config config = KernelFixture.projectConfig(project, tree, builds);
        Exec exec = KernelFixture.exec(project);
        var build = KernelFixture.options(false);
        // Start from the plain tinyconfig every time (the directory is reused across runs).
        Path dotConfig = KernelBuilder.configured(config, build, exec).buildDir().resolve(".config");
        Files.deleteIfExists(dotConfig);

        // tinyconfig has neither BLOCK nor MISC_FILESYSTEMS, so MINIX_FS=y is dropped.
        var out = new ByteArrayOutputStream();
        int status = KconfigVerb.run(config, KconfigOptions.parse(List.of("--set", "CONFIG_MINIX_FS=y")), build,
                false, exec, new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        System.err.println(text);
        assertEquals(1, status, text);
        assertTrue(text.contains("kconfig: dropped CONFIG_MINIX_FS=y"), text);
        assertTrue(text.contains("CONFIG_MINIX_FS depends on MISC_FILESYSTEMS"), text);
        assertTrue(text.contains("  CONFIG_BLOCK=y\n") && text.contains("  CONFIG_MISC_FILESYSTEMS=y\n"), text);

        // The suggested lines, as --set: all three end up in .config and in the fragment.
        out.reset();
        status = KconfigVerb.run(config, KconfigOptions.parse(List.of("--set", "CONFIG_BLOCK=y",
                "CONFIG_MISC_FILESYSTEMS=y", "CONFIG_MINIX_FS=y")), build, false, exec,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, text);
        KconfigValues saved = KconfigValues.parse(Files.readAllLines(LocalKernelConfig.file(config)));
        assertEquals("y", saved.valueOf("CONFIG_MINIX_FS"), saved.toString());

        // A reconfigure from scratch (the next build after the tree gains symbols) keeps them.
        Files.delete(dotConfig);
        KernelBuilder.configured(config, build, exec);
        KconfigValues after = KconfigValues.parse(Files.readAllLines(dotConfig));
        assertEquals("y", after.valueOf("CONFIG_MINIX_FS"));
        assertEquals("y", after.valueOf("CONFIG_BLOCK"));
    }
}
