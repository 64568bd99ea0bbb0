package kimg.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One kimg at a time per project: a second kimg on the same project would race on the cache, the output tree and
 * the build directories, so it fails fast with "locked by PID n" instead of waiting.
 *
 * <p>The lock is a POSIX record lock ({@link FileChannel#tryLock()}) on {@code <project>/.kimg.lock}; the kernel
 * drops it when the holder dies, so a crashed kimg never leaves a stale lock. The file itself is never deleted
 * (deleting a locked file would let the next kimg lock a fresh inode while the first still runs) and records the
 * holder's PID and verb for the message.
 *
 * <p>Re-entrant within one JVM: the CLI may hold it for a whole run while a stage (the image builder) takes it
 * again. POSIX locks belong to the process, so a second {@code tryLock} in the same JVM would throw instead of
 * nesting; a per-path hold count avoids that.
 */
public final class ProjectLock implements AutoCloseable {
    public static final String FILE_NAME = ".kimg.lock";

    private static final Map<Path, Held> HELD = new HashMap<>();

    private record Held(FileChannel channel, FileLock lock, int count) {}

    private final Path file;
    private boolean closed;

    private ProjectLock(Path file) {
        this.file = file;
    }

    /**
     * Takes the lock of the project in {@code projectDirectory} or throws {@link StepFailed} (step "lock") naming
     * the PID that holds it.
     *
     * @param what a few words for the holder record, e.g. "kimg build"
     */
    public static ProjectLock acquire(Path projectDirectory, String what) {
        Path file = projectDirectory.toAbsolutePath().normalize().resolve(FILE_NAME);
        synchronized (HELD) {
            Held held = HELD.get(file);
            if (held != null) {
                HELD.put(file, new Held(held.channel(), held.lock(), held.count() + 1));
                return new ProjectLock(file);
            }
            try {
                Files.createDirectories(file.getParent());
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (IOException | RuntimeException e) {
                    ch.close();
                    throw e;
                }
                if (lock == null) {
                    String holder = readHolder(ch);
                    ch.close();
                    throw new StepFailed("lock", null, 1, List.of(
                            "project " + projectDirectory + " is locked by " + holder
                                    + "; wait for it to finish or stop it"));
                }
                String record = "PID " + ProcessHandle.current().pid() + " (" + what + ", since "
                        + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + ")\n";
                ch.truncate(0);
                ch.write(ByteBuffer.wrap(record.getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(false);
                HELD.put(file, new Held(ch, lock, 1));
                return new ProjectLock(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + file, e);
            }
        }
    }

    /** The lock file of a project (tests, messages). */
    public static Path fileOf(Path projectDirectory) {
        return projectDirectory.toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    private static String readHolder(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(512);
        int n = ch.read(buf, 0);
        String text = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
        // The holder writes its record right after locking; an empty file means we looked in between.
        return text.isEmpty() ? "another kimg (PID unknown)" : text;
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held held = HELD.get(file);
            if (held == null) {
                return;
            }
            if (held.count() > 1) {
                HELD.put(file, new Held(held.channel(), held.lock(), held.count() - 1));
                return;
            }
            HELD.remove(file);
            try {
                held.lock().release();
                held.channel().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
