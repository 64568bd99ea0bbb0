package kimg.exec;

import java.nio.file.Path;
import java.util.List;

/** A step (make, mmdebstrap, qemu, a build script) exited non-zero. kimg exits 1 and shows where to look. */
public final class StepFailed extends RuntimeException {
    private final String step;
    private final Path log;
    private final int exitStatus;
    private final List<String> lastLines;

    public StepFailed(String step, Path log, int exitStatus, List<String> lastLines) {
        super("step '" + step + "' failed with exit status " + exitStatus + (log == null ? "" : " (log: " + log + ")"));
        this.step = step;
        this.log = log;
        this.exitStatus = exitStatus;
        this.lastLines = List.copyOf(lastLines);
    }

    /** A step that failed before or without running a process (a missing tool, an I/O error). */
    public static StepFailed because(String step, String why) {
        return new StepFailed(step, null, -1, List.of(why));
    }

    public String step() {
        return step;
    }

    public Path log() {
        return log;
    }

    public int exitStatus() {
        return exitStatus;
    }

    public List<String> lastLines() {
        return lastLines;
    }
}
