package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import kimg.ui.StepProgress;

/**
 * How far the kernel's make is: objects built (kbuild's quiet lines {@code CC}, {@code AS}, {@code LD}, {@code AR},
 * with or without {@code [M]}) against the count of the last build from an empty build directory, stored next to
 * the build in {@value #COUNT_FILE}. Only a build from an empty directory has an expected total (an incremental
 * build rebuilds an unknown part), so the others show the count alone.
 */
public final class KernelMakeProgress implements StepProgress {
    /** Written in the build directory after a build from scratch: how many objects it built. */
    static final String COUNT_FILE = ".kimg-make-objects";

    /** kbuild's quiet_cmd lines: two spaces, the tag, an optional {@code [M]}, spaces, the target. */
    private static final Pattern OBJECT = Pattern.compile("^ {2}(CC|AS|LD|AR)( \\[M])? +\\S");

    private final OptionalLong expected;
    private long built;

    KernelMakeProgress(OptionalLong expected) {
        this.expected = expected;
    }

    /** The progress of a make in {@code buildDir}: with the last total when this build starts from scratch. */
    static KernelMakeProgress in(Path buildDir) {
        return new KernelMakeProgress(fromScratch(buildDir) ? lastCount(buildDir) : OptionalLong.empty());
    }

    /** Whether nothing was compiled in {@code buildDir} yet (no init/main.o, which every kernel compiles). */
    static boolean fromScratch(Path buildDir) {
        return !Files.exists(buildDir.resolve("init/main.o"));
    }

    static OptionalLong lastCount(Path buildDir) {
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(buildDir.resolve(COUNT_FILE)).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** After a successful build from scratch: keeps its count for the next one. */
    void record(Path buildDir, boolean wasFromScratch) {
        if (!wasFromScratch || built == 0) {
            return;
        }
        try {
            Files.writeString(buildDir.resolve(COUNT_FILE), built + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    OptionalLong expected() {
        return expected;
    }

    long built() {
        return built;
    }

    @Override
    public void line(String line) {
        if (OBJECT.matcher(line).find()) {
            built++;
        }
    }

    @Override
    public String status(Duration elapsed) {
        if (expected.isEmpty()) {
            return built + " objects";
        }
        long total = Math.max(expected.getAsLong(), built);
        String eta = StepProgress.eta(built, total, elapsed);
        return built + "/" + total + " objects" + (eta.isEmpty() ? "" : ", " + eta);
    }

    @Override
    public String summary() {
        return built + " objects";
    }
}
