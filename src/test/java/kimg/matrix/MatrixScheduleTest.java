package kimg.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kimg.config.ConfigInput;
import kimg.exec.StepFailed;
import kimg.verb.Verb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link Matrix#run} schedules the cells, with a runner that stands in for the pipeline (no build, no boot):
 * builds one at a time in plan order, a cell's boot as soon as it is built and beside the next build, at most
 * {@code guests} boots at once, failures as rows, the table in plan order whatever order the guests finish in.
 */
class MatrixScheduleTest {
    @TempDir
    Path project;

    static final Matrix.Options TWO_BY_TWO = new Matrix.Options(List.of("x86-64"), List.of("gcc", "clang"),
            List.of("no", "yes"));

    /** What the runner saw: events in order, and the most builds and boots in progress at once. */
    static final class Watch implements Matrix.Runner {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger building = new AtomicInteger();
        final AtomicInteger booting = new AtomicInteger();
        final AtomicInteger mostBuilding = new AtomicInteger();
        final AtomicInteger mostBooting = new AtomicInteger();
        final Map<String, Runnable> duringBuild = new ConcurrentHashMap<>();
        final Map<String, Runnable> duringBoot = new ConcurrentHashMap<>();
        final Map<String, Integer> buildStatus = new ConcurrentHashMap<>();

        @Override
        public int run(Verb verb, ConfigInput input, PrintStream out, PrintStream err) {
            String cell = Path.of(input.overrides().get("OutputDirectory").get(0)).getFileName().toString();
            boolean build = verb.name().equals("build");
            AtomicInteger now = build ? building : booting;
            (build ? mostBuilding : mostBooting).accumulateAndGet(now.incrementAndGet(), Math::max);
            events.add(verb.name() + " " + cell);
            try {
                (build ? duringBuild : duringBoot).getOrDefault(cell, () -> { }).run();
                if (build) {
                    return buildStatus.getOrDefault(cell, 0);
                }
                out.println("[    1.0] guest says hello from " + cell);
                err.println("progress of " + cell);
                if (cell.endsWith("clang-debug")) {
                    out.println("[    2.0] BUG: KASAN: use-after-free in f+0x1/0x2");
                    return 0;
                }
                return 0;
            } finally {
                now.decrementAndGet();
            }
        }
    }

    private static String readString(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private int run(Watch watch, int guests, ByteArrayOutputStream table, ByteArrayOutputStream err) {
        return Matrix.run(ConfigInput.of(project), 0, 2, guests, TWO_BY_TWO, List.of("uname", "-r"),
                new PrintStream(table, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                watch);
    }

    private static Runnable await(CountDownLatch latch, String what) {
        return () -> {
            try {
                assertTrue(latch.await(20, TimeUnit.SECONDS), what);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        };
    }

    @Test
    void guestsRunSideBySideUpToTheLimitWhileBuildsStayOneAtATime() {
        var watch = new Watch();
        // Each boot waits until two boots are in progress: only a matrix that runs two at once gets past this.
        var twoBooting = new CountDownLatch(2);
        for (String cell : List.of("x86-64-gcc", "x86-64-gcc-debug", "x86-64-clang", "x86-64-clang-debug")) {
            watch.duringBoot.put(cell, () -> {
                twoBooting.countDown();
                await(twoBooting, "two guests at once").run();
            });
        }
        var table = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = run(watch, 2, table, err);
        assertEquals(1, watch.mostBuilding.get(), "builds one at a time");
        assertEquals(2, watch.mostBooting.get(), "two guests at once, never more");
        assertEquals(1, status, "the KASAN splat of one cell fails the matrix");
        List<String> builds = watch.events.stream().filter(e -> e.startsWith("build ")).toList();
        assertEquals(List.of("build x86-64-gcc", "build x86-64-gcc-debug", "build x86-64-clang",
                "build x86-64-clang-debug"), builds, "builds in plan order");
        List<String> lines = table.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(5, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("x86-64-gcc "), lines.get(1));
        Path console = project.resolve("mkosi.output/matrix/x86-64-clang-debug/console.log");
        assertTrue(lines.get(4).matches("x86-64-clang-debug\\s+\\S+s\\s+\\S+s\\s+0\\s+1\\s+kernel splat; console: "
                + java.util.regex.Pattern.quote(console.toString())), lines.get(4));
        assertTrue(readString(console).contains("BUG: KASAN: use-after-free"), "the cell's console is kept");
        String progress = err.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("x86-64-clang: progress of x86-64-clang\n"), "a guest's lines carry its name:\n"
                + progress);
    }

    @Test
    void aCellBootsAsSoonAsItIsBuiltBesideTheNextBuild() {
        var watch = new Watch();
        var firstBooted = new CountDownLatch(1);
        watch.duringBoot.put("x86-64-gcc", firstBooted::countDown);
        // The second build finishes only once the first cell's guest has started.
        watch.duringBuild.put("x86-64-gcc-debug", await(firstBooted, "the first cell boots during the second build"));
        assertEquals(1, run(watch, 1, new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        assertEquals(1, watch.mostBooting.get(), "--guests=1: one guest at a time");
    }

    @Test
    void aFailedBuildIsARowAndItsCellIsNeverBooted() {
        var watch = new Watch();
        watch.buildStatus.put("x86-64-clang", 1);
        watch.duringBuild.put("x86-64-gcc-debug", () -> {
            throw new StepFailed("kernel-make", null, 2, List.of("kernel-make failed (exit 2)"));
        });
        var table = new ByteArrayOutputStream();
        run(watch, 2, table, new ByteArrayOutputStream());
        assertTrue(!watch.events.contains("run x86-64-clang") && !watch.events.contains("run x86-64-gcc-debug"),
                watch.events.toString());
        assertTrue(watch.events.contains("run x86-64-gcc") && watch.events.contains("run x86-64-clang-debug"),
                watch.events.toString());
        String text = table.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("build exit 1"), text);
        assertTrue(text.contains("step 'kernel-make' failed"), text);
    }

    @Test
    void aBugInAGuestThreadEndsTheMatrixAsItWouldEndKimg() {
        var watch = new Watch();
        watch.duringBoot.put("x86-64-gcc", () -> {
            throw new IllegalStateException("a kimg bug");
        });
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> run(watch, 2, new ByteArrayOutputStream(), new ByteArrayOutputStream()));
        assertEquals("a kimg bug", e.getMessage());
    }
}
