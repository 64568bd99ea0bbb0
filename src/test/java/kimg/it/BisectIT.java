package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.manifest.Manifest;
import org.junit.jupiter.api.Test;

/**
 * {@code kimg bisect} on a small history made from linux-source-6.1 ({@link KernelGitRepo}'s {@code base} and four
 * commits on it, the third of which makes the test module print a marker when it loads), with the small config of
 * {@link KernelIdentityIT}: bisect names the third commit, prints a table of identities and timings (the check of
 * GOOD and BAD first), leaves the user's repository (HEAD, index, working tree, bisect state) as it was, and every step
 * after the first one that compiles is incremental in the one warm build directory (no CC of kernel/sched). Then
 * the identity of one commit as {@code summary --plan} shows it is the one the manifest records and the one the
 * guest's {@code uname -r} says. The project, its build directory and the store are cached under the IT cache, so
 * a rerun builds nothing.
 */
class BisectIT {
    static final String MARKER = "kimg-bisect: broken";
    /** In the guest: load the test module (it fails with ENODEV under TCG, after its init printed) and look. */
    static final String CMD = "modprobe x86_pkg_temp_thermal 2>/dev/null; ! dmesg | grep -q '" + MARKER + "'";

    @Test
    void bisectFindsTheCommitThatBreaksTheModuleIncrementally() throws Exception {
        Path repo = KernelGitRepo.repository();
        Path dir = Files.createDirectories(KernelFixture.cacheDirectory().resolve("bisect-" + repo.getParent()
                .getFileName()));
        Exec exec = KernelFixture.exec(dir);
        Files.writeString(dir.resolve("mkosi.kernel.config"), KernelIdentityIT.CONFIG);
        ItProject.debian()
                .output("directory", "OutputDirectory=" + dir.resolve("mkosi.output"))
                .build("BuildSources=" + repo + ":kernel", "BuildDirectory=" + dir.resolve("mkosi.builddir"),
                        "CacheDirectory=" + RootfsFixture.CACHE, "KernelStore=" + dir.resolve("store"))
                .runtime("RAM=512M", "CPUs=1")
                .write(dir);
        RootfsFixture.built(); // warms the distribution cache the project shares

        String source = KernelGitRepo.show(repo, exec, "base", KernelIdentityIT.MODULE_SOURCE);
        String file = KernelIdentityIT.MODULE_SOURCE;
        String parent = "base";
        var commits = new ArrayList<String>();
        for (int i = 1; i <= 4; i++) {
            // Each commit changes the module (a comment), the third one its behaviour too; later ones keep it.
            String text = (i >= 3 ? KernelIdentityIT.withMarker(source, MARKER) : source)
                    + "/* kimg-bisect step " + i + " */\n";
            commits.add(KernelGitRepo.commit(repo, exec, parent, "kimg-bisect-" + i, "thermal: step " + i,
                    Map.of(file, text)));
            parent = "kimg-bisect-" + i;
        }
        String before = KernelGitRepo.userState(repo, exec);

        long t0 = System.nanoTime();
        KimgCli bisect = KimgCli.run(dir, "-C", dir.toString(), "bisect", "base", "kimg-bisect-4", "--", "sh", "-c",
                CMD);
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        System.err.println("BisectIT: kimg bisect took " + seconds + " s\n" + bisect.out());
        assertEquals(0, bisect.status(), bisect::toString);
        assertTrue(bisect.out().contains(commits.get(2) + " is the first bad commit"), bisect::toString);
        // The table: one row per build and boot with its verdict, identity (<label>-<8 hex>) and seconds, the checks
        // that base is good (its build is the cold one) and that kimg-bisect-4 is bad first.
        Pattern row = Pattern.compile("^(check|[0-9]+)\\s+([0-9a-f]{12})  (good|bad|skip)\\s+"
                + "([0-9a-f]{12}-[0-9a-f]{8})\\s+([0-9.]+)  .*$", Pattern.MULTILINE);
        Matcher m = row.matcher(bisect.out());
        var tested = new ArrayList<String>();
        while (m.find()) {
            tested.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
        }
        String base = KernelGitRepo.git(repo, exec, Map.of(), "rev-parse", "base^{commit}").strip();
        assertEquals("check " + base.substring(0, 12) + " good", tested.get(0), bisect::toString);
        assertEquals("check " + commits.get(3).substring(0, 12) + " bad", tested.get(1), bisect::toString);
        assertTrue(tested.stream().anyMatch(t -> t.endsWith(commits.get(2).substring(0, 12) + " bad")), bisect::toString);
        assertTrue(tested.stream().anyMatch(t -> t.endsWith(commits.get(1).substring(0, 12) + " good")),
                bisect::toString);
        assertTrue(bisect.out().contains("\n" + tested.size() + " builds and boots, "), bisect::toString);

        assertEquals(before, KernelGitRepo.userState(repo, exec), "kimg changed the user's repository");
        assertTrue(exec.runUnchecked("bisect-log", Cmd.of("git", "-C", repo.toString(), "bisect", "log"))
                .exitStatus() != 0, "the user's repository is left bisecting");
        assertTrue(KernelGitRepo.git(repo, exec, Map.of(), "for-each-ref", "refs/bisect").isEmpty(),
                "bisect refs left in the user's repository");

        // Incremental: after the first compile of this run, a step recompiles what changed, not the kernel.
        List<Path> makes = logs(dir, "kernel-make");
        for (Path log : makes.subList(Math.min(1, makes.size()), makes.size())) {
            String text = Files.readString(log);
            assertFalse(text.contains(" kernel/sched/"), log + " recompiled kernel/sched:\n" + text);
            assertTrue(text.contains("x86_pkg_temp_thermal"), log + " did not rebuild the module:\n" + text);
        }

        // The identity of the bad commit: as the plan shows it, as the manifest records it, as the guest says it. A
        // SHA's readable part is its first 12 hex digits, so KernelRef=<sha> is the identity bisect built.
        String bad = commits.get(2);
        Files.writeString(dir.resolve("mkosi.local.conf"), "[Build]\nKernelRef=" + bad + "\n");
        try {
            KimgCli plan = KimgCli.run(dir, "-C", dir.toString(), "summary", "--plan");
            assertEquals(0, plan.status(), plan::toString);
            Matcher planned = Pattern.compile("  identity: (" + bad.substring(0, 12) + "-[0-9a-f]{8})\\b").matcher(plan.out());
            assertTrue(planned.find(), plan::toString);
            String identity = planned.group(1);
            KimgCli build = KimgCli.run(dir, "-C", dir.toString(), "build");
            assertEquals(0, build.status(), build::toString);
            assertTrue(build.err().contains("reuse: hit " + identity), "bisect built it already:\n" + build);
            Manifest.Kernel kernel = Manifest.read(dir.resolve("mkosi.output")).orElseThrow().kernel();
            assertEquals(identity, kernel.identity());
            KimgCli run = KimgCli.run(dir, "-C", dir.toString(), "run", "--", "uname", "-r");
            assertEquals(0, run.status(), run::toString);
            assertTrue(run.out().lines().anyMatch(l -> l.strip().equals(kernel.release())
                    && l.strip().endsWith("-" + identity)), "the guest runs " + identity + ":\n" + run);
        } finally {
            Files.delete(dir.resolve("mkosi.local.conf"));
        }
    }

    /** Every log of {@code step} in the newest run of the project, in order. */
    static List<Path> logs(Path dir, String step) throws IOException {
        Path newest;
        try (Stream<Path> s = Files.list(dir.resolve("mkosi.output/logs"))) {
            newest = s.filter(Files::isDirectory).max(Comparator.comparing(Path::getFileName)).orElseThrow();
        }
        try (Stream<Path> s = Files.list(newest)) {
            return s.filter(p -> p.getFileName().toString().matches("\\d+-" + step + "\\.log")).sorted().toList();
        }
    }
}
