package kimg.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.manifest.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's freshness rules, one per test, on small fake trees. */
class PlannerTest {
    @TempDir
    Path tmp;

    PlanProject p;
    Config config;

    @BeforeEach
    void setUp() {
        p = new PlanProject(tmp);
        config = p.config();
    }

    private BuildPlan plan() {
        return Planner.plan(config, BuildOptions.defaults());
    }

    private void touch(Path file, String when) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse(when)));
    }

    @Test
    void aBuiltKernelWithNoNewerSourceIsCurrent() {
        p.markKernelBuilt(config);
        assertEquals(BuildPlan.Freshness.CURRENT, plan().kernel().freshness());
        assertNull(plan().kernel().reconfigure());
    }

    @Test
    void sourcesChangedDuringTheLastMakeCount() throws Exception {
        p.markKernelBuilt(config);
        // Saved one second after make started: make may have read the old content.
        touch(p.kernel.resolve("init/main.c"), "2026-01-02T00:00:01Z");
        assertEquals("init/main.c changed", plan().kernel().freshness().why());
    }

    @Test
    void manyChangedFilesAreNamedUpToThreeAndCounted() throws Exception {
        p.markKernelBuilt(config);
        for (String f : List.of("a.c", "b.c", "c.c", "d.c", "e.c")) {
            PlanProject.write(p.kernel.resolve("lib/" + f), "\n");
        }
        assertEquals("lib/a.c, lib/b.c, lib/c.c and 2 more changed", plan().kernel().freshness().why());
    }

    @Test
    void gitMetadataIsNotASourceChange() throws Exception {
        p.markKernelBuilt(config);
        touch(p.kernel.resolve(".git/HEAD"), "2026-01-03T00:00:00Z");
        assertTrue(plan().kernel().freshness().upToDate());
    }

    @Test
    void aChangedKernelConfigIsAReconfigureAndStale() throws Exception {
        p.markKernelBuilt(config);
        Files.writeString(p.project.resolve("mkosi.kernel.config"), "CONFIG_MODULES=y\n");
        BuildPlan.Kernel k = plan().kernel();
        assertEquals("kernel config mkosi.kernel.config changed since the last configure", k.reconfigure());
        assertEquals(k.reconfigure(), k.freshness().why());
    }

    @Test
    void aKernelTreeAddedAfterADistroKernelBuildIsStale() {
        p.markKernelBuilt(config);
        new Manifest("0", "now", "debian", "bookworm", "x86-64", null,
                new Manifest.Image("directory", config.outputDirectory().resolve("image").toString(), null, "k",
                        true, "/boot/vmlinuz-6.1.0-amd64", null), List.of(), Map.of())
                .write(config.outputDirectory());
        assertEquals("the last build boots the distribution's kernel", plan().kernel().freshness().why());
    }

    @Test
    void aModuleSourceNewerThanItsInstallIsStale() throws Exception {
        Path dest = config.moduleBuildDirectory("btrfs-progs").resolve("destdir");
        Files.createDirectories(dest);
        touch(dest, "2026-01-02T00:00:00Z");
        assertTrue(plan().modules().get(0).freshness().upToDate());
        touch(p.btrfs.resolve("cmds/balance.c"), "2026-01-03T00:00:00Z");
        assertEquals("cmds/balance.c changed", plan().modules().get(0).freshness().why());
    }
}
