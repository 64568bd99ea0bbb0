package kimg.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's fuzz test: a seeded corpus of mutated configs, made from the repository's own trees (its mkosi.conf,
 * mkosi.conf.d/, mkosi.local.conf and modules/, and the golden test trees), each read by the real CLI
 * ({@code kimg -C TREE summary}, {@code summary --json}, {@code cat-config}) in-process. Whatever the bytes, kimg
 * must exit 0 or 2, print a single line of at most 300 characters naming file:line on exit 2, never a stack
 * trace, and finish within 5 seconds.
 *
 * <p>The corpus is deterministic (seed {@link #SEED}); a failure names the case number, the seed tree and the
 * mutations, which is enough to rebuild the tree by hand.
 */
class ConfigFuzzTest {
    static final long SEED = 11;
    static final int CASES = 320;
    static final long RUN_LIMIT_MS = 5_000;

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String[] VERBS = {"summary", "summary --json", "cat-config"};
    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kimg-fuzz");
        t.setDaemon(true); // a run that hangs must not keep the test JVM alive
        return t;
    });

    @TempDir
    Path work;

    @AfterAll
    static void stopRunner() {
        RUNNER.shutdownNow();
    }

    /** One seed tree: the files to copy (relative paths) from a base directory. */
    private record Seed(String name, Path base, List<Path> files) {}

    @Test
    void mutatedRepositoryConfigsExitCleanly() throws Exception {
        List<Seed> seeds = seeds();
        assertTrue(seeds.size() >= 5, "seed trees: " + seeds);
        var failures = new ArrayList<String>();
        var stats = new Stats();
        long t0 = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Random random = new Random(SEED * 1_000_003 + i);
            Seed seed = seeds.get(random.nextInt(seeds.size()));
            Path tree = work.resolve("case" + i);
            copy(seed, tree);
            var done = new ArrayList<String>();
            int n = 1 + random.nextInt(3);
            for (int m = 0; m < n; m++) {
                done.add(ConfigMutations.apply(tree, random));
            }
            String verb = VERBS[random.nextInt(VERBS.length)];
            String problem = check(tree, verb, stats);
            if (problem != null) {
                failures.add("case " + i + " (" + seed.name() + "; " + String.join("; ", done) + "; kimg " + verb
                        + "): " + problem);
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000;
        System.out.printf("config fuzz: %d cases in %d s (%d s in kimg): %d exit 0, %d exit 2, slowest run %d ms%n",
                CASES, seconds, stats.runMs / 1000, stats.ok, stats.usage, stats.slowestMs);
        assertTrue(failures.isEmpty(), failures.size() + " of " + CASES + " mutated configs misbehaved:\n"
                + String.join("\n", failures.subList(0, Math.min(25, failures.size()))));
        // The budget is a minute; an idle 2-core machine needs about 10 s, one running kernel builds 40-55 s, so
        // only twice the budget fails (a run that hangs is caught per case, above).
        assertTrue(seconds < 120, CASES + " cases took " + seconds + " s");
    }

    /** Exit statuses seen and the slowest run, printed so a reader sees what the corpus exercised. */
    private static final class Stats {
        int ok;
        int usage;
        long slowestMs;
        long runMs;
    }

    /** Null when kimg handled the tree as it must, else what went wrong. */
    private static String check(Path tree, String verb, Stats stats) throws InterruptedException {
        var args = new ArrayList<>(List.of("-C", tree.toString()));
        args.addAll(List.of(verb.split(" ")));
        long t0 = System.nanoTime();
        Future<KimgRun> future = RUNNER.submit(() -> KimgRun.in(tree, args.toArray(String[]::new)));
        KimgRun run;
        try {
            run = future.get(RUN_LIMIT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return "still running after " + RUN_LIMIT_MS + " ms";
        } catch (java.util.concurrent.ExecutionException e) {
            return "threw " + e.getCause(); // e.g. StackOverflowError, which Main does not catch
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        stats.slowestMs = Math.max(stats.slowestMs, ms);
        stats.runMs += ms;
        if (run.status() == 0) {
            stats.ok++;
        } else if (run.status() == 2) {
            stats.usage++;
            if (System.getenv("KIMG_FUZZ_SHOW") != null) {
                System.out.println(tree.getFileName() + ": " + run.errLines().get(0));
            }
        }
        if (run.status() != 0 && run.status() != 2) {
            return "exit " + run.status() + ": " + firstLine(run.err());
        }
        if (run.err().contains("Exception") || run.err().contains("\tat ") || run.out().contains("\tat ")) {
            return "stack trace or exception: " + firstLine(run.err());
        }
        if (run.status() == 2) {
            String problem = ErrorLine.problem(run);
            if (problem != null) {
                return problem;
            }
        }
        return ms > RUN_LIMIT_MS ? "took " + ms + " ms" : null;
    }

    private static String firstLine(String s) {
        String line = s.lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    // ---- the seed trees ----------------------------------------------------------------------------------

    private static List<Seed> seeds() throws IOException {
        var seeds = new ArrayList<Seed>();
        // The repository's own tree: only its config (no sources, no build outputs).
        var own = new ArrayList<Path>();
        for (String top : List.of("mkosi.conf", "mkosi.local.conf", "mkosi.conf.d", "modules", "mkosi.repart")) {
            own.addAll(filesUnder(ROOT, ROOT.resolve(top)));
        }
        seeds.add(new Seed("repository", ROOT, own));
        // Each module alone, as a project of its own.
        try (Stream<Path> modules = Files.list(ROOT.resolve("modules"))) {
            for (Path m : modules.sorted().toList()) {
                seeds.add(new Seed("modules/" + m.getFileName(), m, filesUnder(m, m)));
            }
        }
        // The golden config test trees.
        try (Stream<Path> cases = Files.list(ROOT.resolve("src/test/resources/config"))) {
            for (Path c : cases.sorted().toList()) {
                Path project = c.resolve("project");
                if (Files.isDirectory(project)) {
                    seeds.add(new Seed("test tree " + c.getFileName(), project, filesUnder(project, project)));
                }
            }
        }
        return seeds;
    }

    private static List<Path> filesUnder(Path base, Path start) throws IOException {
        if (!Files.exists(start)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(start)) {
            return s.filter(Files::isRegularFile).filter(p -> size(p) < 64 * 1024).map(base::relativize).sorted()
                    .toList();
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Seed seed, Path tree) throws IOException {
        Files.createDirectories(tree);
        for (Path rel : seed.files()) {
            Path to = tree.resolve(rel.toString());
            Files.createDirectories(to.getParent());
            Files.write(to, Files.readAllBytes(seed.base().resolve(rel)));
        }
    }
}
