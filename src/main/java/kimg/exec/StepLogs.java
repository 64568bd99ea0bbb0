package kimg.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The log directory of one kimg run: {@code mkosi.output/logs/<timestamp>/NN-<step>.log} per step, plus
 * {@code summary.txt} with one line per step (step, exit status, duration) for a quick look after a failure.
 */
public final class StepLogs {
    private final Path dir;
    private int next = 1;
    private final List<StepRecord> records = new ArrayList<>();

    public record StepRecord(String step, int exitStatus, Duration duration, Path log) {}

    public StepLogs(Path dir) {
        this.dir = dir;
    }

    /** A fresh directory under {@code logsRoot} named by the current time. */
    public static StepLogs under(Path logsRoot) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return new StepLogs(logsRoot.resolve(stamp));
    }

    public Path dir() {
        return dir;
    }

    public synchronized Path newLog(String step) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = String.format("%02d-%s.log", next++, step.replaceAll("[^A-Za-z0-9._-]+", "-"));
        return dir.resolve(name);
    }

    public synchronized void record(String step, int exitStatus, Duration duration, Path log) {
        records.add(new StepRecord(step, exitStatus, duration, log));
        String line = String.format("%-32s exit=%-4d %8.1fs  %s%n", step, exitStatus, duration.toMillis() / 1000.0,
                log == null ? "-" : log.getFileName());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("summary.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized List<StepRecord> records() {
        return List.copyOf(records);
    }
}
