package kimg.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

    /**
     * A new, empty log file for {@code step}, readable by its owner only: logs hold build output and environments
     * (secrets are masked in the command line, not in what a build script prints).
     */
    public synchronized Path newLog(String step) {
        makePrivateDirectory();
        String name = String.format("%02d-%s.log", next++, step.replaceAll("[^A-Za-z0-9._-]+", "-"));
        Path log = dir.resolve(name);
        createPrivateFile(log);
        return log;
    }

    /** The log directory and its parent (the logs root) as 0700, also when an older kimg made them 0755. */
    private void makePrivateDirectory() {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIRECTORY));
            for (Path d : List.of(dir, dir.getParent())) {
                if (!Files.getPosixFilePermissions(d).equals(DIRECTORY)) {
                    Files.setPosixFilePermissions(d, DIRECTORY);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createPrivateFile(Path file) {
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
            }
            Files.setPosixFilePermissions(file, FILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    public synchronized void record(String step, int exitStatus, Duration duration, Path log) {
        records.add(new StepRecord(step, exitStatus, duration, log));
        String line = String.format("%-32s exit=%-4d %8.1fs  %s%n", step, exitStatus, duration.toMillis() / 1000.0,
                log == null ? "-" : log.getFileName());
        makePrivateDirectory();
        createPrivateFile(dir.resolve("summary.txt"));
        try {
            Files.writeString(dir.resolve("summary.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized List<StepRecord> records() {
        return List.copyOf(records);
    }
}
