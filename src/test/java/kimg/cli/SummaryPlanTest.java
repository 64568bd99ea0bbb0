package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import kimg.Golden;
import kimg.plan.PlanProject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kimg summary --plan [--json]} through the real CLI, pinned by golden files (temp paths normalised). */
class SummaryPlanTest {
    @TempDir
    Path tmp;

    PlanProject p;

    @BeforeEach
    void setUp() {
        p = new PlanProject(tmp);
    }

    private String plan(String golden, String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "summary";
        argv[1] = "--plan";
        System.arraycopy(args, 0, argv, 2, args.length);
        KimgRun r = KimgRun.in(p.project, argv);
        assertEquals(0, r.status(), r.toString());
        String out = r.out().replace(tmp.toString(), "<tmp>");
        Golden.assertText("plan/" + golden, out);
        return out;
    }

    @Test
    void cleanProjectIsNeverBuilt() {
        String json = plan("clean.json", "--json");
        assertTrue(json.contains("\"why\" : \"never built\""), json);
        plan("clean.txt");
        assertTrue(Files.notExists(p.project.resolve("mkosi.output")), "summary --plan wrote the output directory");
        assertTrue(Files.notExists(p.project.resolve("mkosi.builddir")), "summary --plan wrote the build directory");
    }

    @Test
    void oneTouchedSourceFileMakesTheKernelStale() throws Exception {
        p.markKernelBuilt(p.config());
        Files.setLastModifiedTime(p.kernel.resolve("mm/slub.c"), FileTime.from(Instant.parse("2026-01-03T00:00:00Z")));
        String json = plan("kernel-touched.json", "--json");
        assertTrue(json.contains("\"why\" : \"mm/slub.c changed\""), json);
    }

    @Test
    void aBuiltKernelWithNoChangesIsUpToDate() {
        p.markKernelBuilt(p.config());
        String text = plan("kernel-built.txt");
        assertTrue(text.startsWith("kernel: up to date\n"), text);
        assertTrue(text.contains("reconfigure: no"), text);
    }

    @Test
    void changedPackagesMissTheCacheAndSaySo() throws Exception {
        p.markImageBuilt(p.config());
        Path conf = p.project.resolve("mkosi.conf");
        Files.writeString(conf, Files.readString(conf).replace("Packages=kmod", "Packages=kmod,vim"));
        String json = plan("packages-changed.json", "--json");
        assertTrue(json.contains("\"why\" : \"Packages= changed\""), json);
    }

    @Test
    void incrementalWithOneModulePlansOnlyThatModule() {
        String json = plan("incremental-btrfs-progs.json", "--json", "-i", "--btrfs-progs");
        assertTrue(json.contains("\"kernel\" : null") && json.contains("\"image\" : null"), json);
        assertTrue(json.contains("\"needsBuildOverlay\" : true"), json);
    }

    @Test
    void aKernelTreeAddedAfterADistroKernelBuildIsOutOfDate() throws Exception {
        // The last build booted Debian's kernel; then the kernel tree came in through --build-sources.
        Path conf = p.project.resolve("mkosi.conf");
        Files.writeString(conf, Files.readString(conf).replace("BuildSources=" + p.kernel + ":kernel\n", ""));
        Path output = p.project.resolve("mkosi.output");
        new kimg.manifest.Manifest("0", "now", "debian", "bookworm", "x86-64", null,
                new kimg.manifest.Manifest.Image("directory", output.resolve("image").toString(), null, "k", true,
                        "/boot/vmlinuz-6.1.0-amd64", null), java.util.List.of(), java.util.Map.of()).write(output);
        String added = "--build-sources=" + p.kernel + ":kernel";
        p.markKernelBuilt(p.config("BuildSources=" + p.kernel + ":kernel"));
        KimgRun r = KimgRun.in(p.project, added, "summary", "--plan");
        assertEquals(0, r.status(), r.toString());
        assertTrue(r.out().startsWith("kernel: out of date: the last build boots the distribution's kernel\n"),
                r.toString());
    }

    @Test
    void aKernelByIdentityShowsItsSourceReadableNameAndStore() throws Exception {
        Path patches = Files.createDirectories(tmp.resolve("series"));
        Files.writeString(patches.resolve("0002-second.patch"), "");
        Files.writeString(patches.resolve("0001-first.patch"), "");
        Files.writeString(patches.resolve("cover-letter.txt"), "");
        Path conf = p.project.resolve("mkosi.conf");
        Files.writeString(conf, Files.readString(conf) + "\n[Build]\nKernelRef=origin/linux-6.1.y\nKernelPatches="
                + patches + "\nKernelStore=" + tmp.resolve("store") + "\n");
        String text = plan("kernel-identity.txt");
        assertTrue(text.contains("  identity: origin-linux-6.1.y-<8 hex"), text);
        assertTrue(text.indexOf("0001-first.patch") < text.indexOf("0002-second.patch"), text);
        assertTrue(!text.contains("cover-letter"), text);
    }

    @Test
    void buildOptionsWithoutPlanAreRefused() {
        KimgRun r = KimgRun.in(p.project, "summary", "-i");
        assertEquals(2, r.status(), r.toString());
    }
}
