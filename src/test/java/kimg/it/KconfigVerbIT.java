package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.kconfig.DevtoolsVerb;
import kimg.kconfig.KconfigOptions;
import kimg.kconfig.KconfigVerb;
import kimg.module.KconfigValues;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;
import kimg.module.LocalKernelConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code kimg kconfig --set} on the real 6.1 tree with a small config (tinyconfig; configure only, no compile), in a
 * build directory of its own under the IT cache: a dropped request is explained with its real unmet chain, the
 * suggested lines work, and the saved fragment survives a reconfigure from scratch. And {@code kimg devtools} on the
 * shared fixture's build, checked with clangd.
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

    /**
     * {@code kimg devtools} on the shared fixture's build (the shipped config, built once): the compilation
     * database is (re)written in the build directory with the build directory's paths, nothing is written into the
     * source tree, and clangd, given the printed line in its user config (the way that leaves the checkout alone),
     * compiles a kernel file with every include found.
     */
    @Test
    void devtoolsWritesTheDatabaseOutsideTheTreeAndClangdFindsEveryInclude() throws Exception {
        KernelArtifacts kernel = SplatKernelFixture.built();
        Path tree = kernel.sourceTree().toRealPath();
        Path buildDir = kernel.buildDir();
        Path projects = Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects"));
        Path project = Files.createTempDirectory(projects, "devtools-");
        // The fixture's own project settings, so configuring finds its .config current and changes nothing.
        Files.writeString(project.resolve("mkosi.kernel.config"),
                Files.readString(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config")));
        Config config = Config.ofValues(project, Map.of(
                "BuildSources", List.of(kernel.sourceTree() + ":kernel"),
                "BuildDirectory", List.of(KernelFixture.cacheDirectory().resolve("builddir").toString()),
                "OutputDirectory", List.of(project.resolve("mkosi.output").toString())));
        Path database = buildDir.resolve("compile_commands.json");
        var out = new ByteArrayOutputStream();
        int status;
        // The fixture's build writes the same file: hold its lock.
        try (var lock = KernelFixture.lock()) {
            // The build made one already: age it, so the one found afterwards is devtools' own.
            Files.setLastModifiedTime(database, FileTime.fromMillis(0));
            status = DevtoolsVerb.run(config, KernelFixture.options(false), KernelFixture.exec(project),
                    new PrintStream(out, true, StandardCharsets.UTF_8));
        }
        String text = out.toString(StandardCharsets.UTF_8);
        System.err.println(text);
        assertEquals(0, status, text);
        assertTrue(Files.getLastModifiedTime(database).toMillis() > 0, "devtools did not rewrite " + database);
        assertTrue(text.contains("compile_commands.json: " + database + "\n"), text);
        assertFalse(database.toRealPath().startsWith(tree), database + " is in the source tree");
        for (String name : List.of("compile_commands.json", ".clangd", "rust-project.json")) {
            assertFalse(Files.exists(tree.resolve(name)), "devtools wrote " + name + " into the source tree");
        }

        // Every entry compiles in the build directory a file of the user's tree, named by its absolute path.
        JsonNode entries = new ObjectMapper().readTree(database.toFile());
        assertTrue(entries.size() > 1000, "only " + entries.size() + " entries");
        for (JsonNode e : entries) {
            assertEquals(buildDir.toString(), e.get("directory").asText(), e::toString);
            Path file = Path.of(e.get("file").asText());
            assertTrue(file.isAbsolute() && Files.isRegularFile(file), e::toString);
        }
        Path mainC = tree.resolve("init/main.c");
        assertTrue(entries.findValuesAsText("file").stream().map(f -> Path.of(f))
                .anyMatch(f -> f.equals(mainC) || f.equals(kernel.sourceTree().resolve("init/main.c"))), "no init/main.c");

        // clangd with the printed line in its user config, scoped to the tree as the printed hint says.
        String line = text.lines().filter(l -> l.startsWith("CompileFlags:")).findFirst().orElseThrow(
                () -> new AssertionError("no clangd line printed:\n" + text));
        Path home = Files.createDirectories(project.resolve("xdg/clangd"));
        Files.writeString(home.resolve("config.yaml"), "If:\n  PathMatch: " + kernel.sourceTree() + "/.*\n" + line
                + "\n");
        Exec.Result check = KernelFixture.exec(project).runUnchecked("clangd-check",
                Cmd.of("clangd", "--check=" + kernel.sourceTree().resolve("init/main.c"))
                        .withEnv(Map.of("XDG_CONFIG_HOME", project.resolve("xdg").toString())));
        String clangd = Files.readString(check.log());
        // The source tree has no database: clangd found the build directory's through the printed line.
        assertTrue(clangd.contains("Compile command from CDB is:"), "clangd found no database:\n" + clangd);
        assertFalse(clangd.contains("file not found"), "clangd missed includes:\n" + clangd);
        // Nor any other error: the line also drops the gcc-only flags clang's driver rejects.
        assertTrue(clangd.contains("All checks completed, 0 errors"), clangd);
        assertEquals(0, check.exitStatus(), clangd);
    }
}
