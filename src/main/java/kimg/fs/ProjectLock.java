package kimg.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kimg.exec.StepFailed;

/**
 * Who may use a project at the same time. A second kimg on the same project would race on the cache, the output
 * tree and the build directories, and a build would delete the tree a running guest's virtiofsd serves, so a
 * conflicting kimg fails fast with "locked by PID n (kimg qemu)" instead of waiting.
 *
 * <p>Three parts of one lock file, each a POSIX record lock on its own byte range ({@link FileChannel#tryLock(long,
 * long, boolean)}); the kernel drops them when the holder dies, so a crashed kimg never leaves a stale lock:
 * <ul>
 *   <li>{@link Part#BUILD}: the build directories and caches. Every build and clean, exclusive.
 *   <li>{@link Part#GUEST}: the one guest of the project. {@code qemu} and {@code run}, exclusive: two guests
 *       sharing one read-write root tree would corrupt it, and would fight over SshPort= and GdbPort=.
 *   <li>{@link Part#IMAGE}: the image tree and kernel a guest boots. Builds that replace them and clean take it
 *       exclusive; guests and {@code ssh}/{@code gdb} (attached to one) shared. A {@code -i} build (modules
 *       only, the edit-reload loop) does not take it, so it runs beside a guest.
 * </ul>
 * Each exclusive holder writes "PID n (what, since hh:mm:ss)" into its part's slot of the file for the message.
 * The file is never deleted (deleting a locked file would let the next kimg lock a fresh inode while the first
 * still runs).
 *
 * <p>The file is {@code <project>/.kimg.lock}. When the project directory is read-only (a read-only checkout or
 * bind mount) it is {@code kimg-locks/<hash of the project's real path>.lock} under {@code $XDG_RUNTIME_DIR},
 * {@code /run} (root) or the temp directory, so every kimg on that project still meets at one file.
 *
 * <p>Each verb takes the lock once, for all it will do ({@link Use}); a guest that builds first takes
 * {@link Use#GUEST_BUILD} and {@link #narrow narrows} it to {@link Use#GUEST} when the build is done, so that
 * {@code build -i} and {@code ssh} can then run beside it.
 *
 * <p>Re-entrant within one JVM: the CLI holds the lock for a whole run while a stage (the image builder) takes it
 * again; POSIX locks belong to the process, so a nested acquire only counts (the outer use decided what is held).
 */
public final class ProjectLock implements AutoCloseable {
    public static final String FILE_NAME = ".kimg.lock";
    private static final int SLOT = 256;

    /** A part of the project, one byte range (slot) of the lock file. */
    public enum Part {
        BUILD, GUEST, IMAGE;

        long offset() {
            return (long) ordinal() * SLOT;
        }
    }

    /** What a verb does with the project: the parts it takes exclusively and those it shares. */
    public enum Use {
        /** build, clean: everything. */
        BUILD(List.of(Part.BUILD, Part.IMAGE), List.of()),
        /** {@code build -i} and genkey: build directories only; a guest may run. */
        MODULES(List.of(Part.BUILD), List.of()),
        /** qemu, run: the one guest, over an image nobody replaces meanwhile. */
        GUEST(List.of(Part.GUEST), List.of(Part.IMAGE)),
        /**
         * qemu, run that build first: the guest (first, so a second guest fails before anything else) and what a
         * build holds; {@link #narrow narrowed} to {@link #GUEST} once built.
         */
        GUEST_BUILD(List.of(Part.GUEST, Part.BUILD, Part.IMAGE), List.of()),
        /** ssh, gdb: attached to the guest; the image must stay. */
        ATTACH(List.of(), List.of(Part.IMAGE));

        final List<Part> exclusive;
        final List<Part> shared;

        Use(List<Part> exclusive, List<Part> shared) {
            this.exclusive = exclusive;
            this.shared = shared;
        }
    }

    private static final Map<Path, Held> HELD = new HashMap<>();

    /** What this JVM holds of one lock file, and how many ProjectLocks share it. */
    private static final class Held {
        final FileChannel channel;
        final Map<Part, FileLock> locks = new EnumMap<>(Part.class);
        int count;

        Held(FileChannel channel) {
            this.channel = channel;
        }
    }

    private final Path file;
    /** Parts this acquire added, and parts it turned from shared to exclusive: undone by close. */
    private final List<Part> added;
    private final List<Part> upgraded;
    private boolean closed;

    private ProjectLock(Path file, List<Part> added, List<Part> upgraded) {
        this.file = file;
        this.added = added;
        this.upgraded = upgraded;
    }

    /** {@link Use#BUILD}: the whole project. */
    public static ProjectLock acquire(Path projectDirectory, String what) {
        return acquire(projectDirectory, Use.BUILD, what);
    }

    /**
     * Takes the lock of the project in {@code projectDirectory} for {@code use} or throws {@link StepFailed} (step
     * "lock") naming the PID and verb that holds the conflicting part, or saying where no lock file could be made.
     * Nested in this JVM it takes only what the outer lock lacks (a guest that first builds: the image part turns
     * exclusive for the build, and shared again when the build's lock closes).
     *
     * @param what a few words for the holder record, e.g. "kimg build"
     */
    public static ProjectLock acquire(Path projectDirectory, Use use, String what) {
        Path file = fileOf(projectDirectory);
        synchronized (HELD) {
            Held held = HELD.get(file);
            boolean fresh = held == null;
            if (fresh) {
                held = new Held(open(projectDirectory, file));
            }
            var added = new ArrayList<Part>();
            var upgraded = new ArrayList<Part>();
            try {
                for (Part part : use.exclusive) {
                    FileLock had = held.locks.get(part);
                    if (had != null && !had.isShared()) {
                        continue;
                    }
                    if (had != null) {
                        had.release();
                        try {
                            held.locks.put(part, lockPart(held.channel, part, false, projectDirectory));
                        } catch (RuntimeException e) {
                            FileLock again = held.channel.tryLock(part.offset(), SLOT, true);
                            if (again != null) {
                                held.locks.put(part, again);
                            } else {
                                held.locks.remove(part);
                            }
                            throw e;
                        }
                        upgraded.add(part);
                    } else {
                        held.locks.put(part, lockPart(held.channel, part, false, projectDirectory));
                        added.add(part);
                    }
                    String record = "PID " + ProcessHandle.current().pid() + " (" + what + ", since "
                            + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")) + ")";
                    String padded = String.format("%-" + (SLOT - 1) + "s\n", record);
                    held.channel.write(ByteBuffer.wrap(padded.getBytes(StandardCharsets.UTF_8)), part.offset());
                }
                for (Part part : use.shared) {
                    if (!held.locks.containsKey(part)) {
                        held.locks.put(part, lockPart(held.channel, part, true, projectDirectory));
                        added.add(part);
                    }
                }
                held.channel.force(false);
            } catch (IOException | RuntimeException e) {
                undo(held, added, upgraded);
                if (fresh) {
                    closeQuietly(held.channel);
                }
                if (e instanceof IOException io) {
                    throw new UncheckedIOException("cannot lock " + file, io);
                }
                throw (RuntimeException) e;
            }
            held.count++;
            HELD.put(file, held);
            return new ProjectLock(file, List.copyOf(added), List.copyOf(upgraded));
        }
    }

    /**
     * Gives up what this lock holds beyond {@code use}: parts {@code use} only shares turn shared, parts it does
     * not name are released. Shared parts are turned first, while the others are still held: a build of another
     * kimg takes BUILD before IMAGE and so cannot slip in between.
     *
     * @throws IllegalStateException when this is not the only lock of the project in this JVM (a nested lock's
     *                               parts belong to the outer one), or {@code use} needs a part not held
     */
    public void narrow(Use use) {
        synchronized (HELD) {
            Held held = HELD.get(file);
            if (closed || held == null || held.count != 1) {
                throw new IllegalStateException("only the one open lock of " + file + " may narrow");
            }
            for (Part part : use.exclusive) {
                FileLock had = held.locks.get(part);
                if (had == null || had.isShared()) {
                    throw new IllegalStateException("narrow to " + use + ": " + part + " is not held exclusively");
                }
            }
            try {
                for (Part part : use.shared) {
                    FileLock had = held.locks.get(part);
                    if (had == null) {
                        throw new IllegalStateException("narrow to " + use + ": " + part + " is not held");
                    }
                    if (!had.isShared()) {
                        had.release();
                        FileLock shared = held.channel.tryLock(part.offset(), SLOT, true);
                        if (shared == null) {
                            // Nobody can take it exclusively while we hold BUILD or GUEST (see above).
                            held.locks.remove(part);
                            throw new IllegalStateException("narrow to " + use + ": lost " + part);
                        }
                        held.locks.put(part, shared);
                    }
                }
                for (Part part : List.copyOf(held.locks.keySet())) {
                    if (!use.exclusive.contains(part) && !use.shared.contains(part)) {
                        held.locks.remove(part).release();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Adds {@code words} to the holder record of {@code part}, which this JVM holds exclusively (a guest's ports). */
    public void note(Part part, String words) {
        synchronized (HELD) {
            Held held = HELD.get(file);
            FileLock lock = held == null ? null : held.locks.get(part);
            if (lock == null || lock.isShared() || words.isEmpty()) {
                return;
            }
            try {
                String record = record(held.channel, part) + " " + words;
                String padded = String.format("%-" + (SLOT - 1) + "s\n", record);
                held.channel.write(ByteBuffer.wrap(padded.getBytes(StandardCharsets.UTF_8)), part.offset());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The record of the process holding {@code part} of the project's lock, or "" when nobody else holds it. */
    public static String holderOf(Path projectDirectory, Part part) {
        Path file = fileOf(projectDirectory);
        synchronized (HELD) {
            try {
                Held held = HELD.get(file);
                if (held != null) {
                    // Never a second channel while this JVM holds locks on the file: closing any descriptor of a
                    // file drops all of a process's POSIX locks on it.
                    return heldByAnother(held.channel, part, true) ? record(held.channel, part) : "";
                }
                if (!Files.exists(file)) {
                    return "";
                }
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    return heldByAnother(ch, part, true) ? record(ch, part) : "";
                }
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static void undo(Held held, List<Part> added, List<Part> upgraded) {
        try {
            for (Part part : added) {
                held.locks.remove(part).release();
            }
            for (Part part : upgraded) {
                held.locks.get(part).release();
                // Back to shared; nobody else can hold it exclusively, as we did until now.
                FileLock again = held.channel.tryLock(part.offset(), SLOT, true);
                if (again != null) {
                    held.locks.put(part, again);
                } else {
                    held.locks.remove(part);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileLock lockPart(FileChannel ch, Part part, boolean shared, Path project) throws IOException {
        FileLock lock = ch.tryLock(part.offset(), SLOT, shared);
        if (lock != null) {
            return lock;
        }
        String why = part == Part.GUEST
                ? "; one guest per project, as two would share one read-write root tree: stop it first"
                : "; wait for it to finish or stop it";
        throw new StepFailed("lock", null, 1, List.of("project " + project + " is locked by " + holder(ch, part) + why));
    }

    /** Who holds {@code part}: the record its exclusive holder wrote in its slot. */
    private static String holder(FileChannel ch, Part part) throws IOException {
        if (part == Part.IMAGE && !heldByAnother(ch, Part.IMAGE, true)) {
            // Only shared holders: a guest (its record is in GUEST's slot) or kimg ssh/gdb attached to one.
            return heldByAnother(ch, Part.GUEST, false) ? record(ch, Part.GUEST)
                    : "a kimg ssh or kimg gdb attached to the guest";
        }
        String text = record(ch, part);
        // The holder writes its record right after locking; an empty slot means we looked in between.
        return text.isEmpty() ? "another kimg (PID unknown)" : text;
    }

    /** Whether another process holds {@code part} in a way that a lock ({@code shared} or not) would meet. */
    private static boolean heldByAnother(FileChannel ch, Part part, boolean shared) throws IOException {
        try {
            FileLock probe = ch.tryLock(part.offset(), SLOT, shared);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (java.nio.channels.OverlappingFileLockException e) {
            return false; // this JVM's own
        }
    }

    private static String record(FileChannel ch, Part part) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(SLOT);
        int n = ch.read(buf, part.offset());
        return n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).replace("\0", "").strip();
    }

    /**
     * The lock file of a project: {@code <project>/.kimg.lock}, or, when that cannot be created (read-only
     * project), the fallback under the runtime directory.
     */
    public static Path fileOf(Path projectDirectory) {
        Path inProject = projectDirectory.toAbsolutePath().normalize().resolve(FILE_NAME);
        if (Files.exists(inProject) ? Files.isWritable(inProject) : Files.isWritable(inProject.getParent())) {
            return inProject;
        }
        return fallback(projectDirectory);
    }

    /** Whether this project's lock lives outside the project (its directory is read-only). */
    public static boolean isElsewhere(Path projectDirectory) {
        return !fileOf(projectDirectory).getParent().equals(projectDirectory.toAbsolutePath().normalize());
    }

    private static Path fallback(Path projectDirectory) {
        Path real;
        try {
            real = projectDirectory.toRealPath();
        } catch (IOException e) {
            real = projectDirectory.toAbsolutePath().normalize();
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        Path base = runtime != null && !runtime.isEmpty() ? Path.of(runtime)
                : Files.isWritable(Path.of("/run")) ? Path.of("/run")
                : Path.of(System.getProperty("java.io.tmpdir"), "kimg-" + System.getProperty("user.name"));
        return base.resolve("kimg-locks").resolve(Sha256.of(real.toString()).substring(0, 16) + ".lock");
    }

    private static FileChannel open(Path projectDirectory, Path file) {
        try {
            Path dir = file.getParent();
            if (!Files.isDirectory(dir)) {
                // Only the fallback's directory is made here (the project exists); private, as /tmp is shared.
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            String why = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.toString();
            throw new StepFailed("lock", null, 1, List.of("cannot create the project lock " + file + ": " + why
                    + (file.getParent().equals(projectDirectory.toAbsolutePath().normalize()) ? ""
                            : " (the project directory " + projectDirectory + " is read-only)")
                    + "; make it writable or set XDG_RUNTIME_DIR to a writable directory"));
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing drops the locks anyway
        }
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
            if (--held.count > 0) {
                undo(held, added, upgraded);
                return;
            }
            HELD.remove(file);
            try {
                for (FileLock l : held.locks.values()) {
                    l.release();
                }
                held.channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
