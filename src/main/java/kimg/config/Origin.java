package kimg.config;

import java.nio.file.Path;

/**
 * Where a value came from: a file and line, the command line, or the setting's default.
 *
 * @param base the directory relative paths in the value resolve against: for a file, the working directory of
 *             the parse (the directory whose mkosi.conf is being read, REFERENCE §2), which for a plain file is
 *             not its own directory; for the command line, where kimg was started; null: the file's directory
 */
public record Origin(Path file, int line, String label, Path base) {
    public static final Origin DEFAULT = new Origin(null, 0, "default", null);
    public static final Origin COMMAND_LINE = new Origin(null, 0, "command line", null);

    public static Origin at(Path file, int line) {
        return new Origin(file, line, null, null);
    }

    /** The command line of a kimg started in {@code startDirectory}. */
    public static Origin commandLine(Path startDirectory) {
        return new Origin(null, 0, COMMAND_LINE.label(), startDirectory);
    }

    /**
     * Values handed over directly ({@link Config#ofValues}: tests and tools describing a configuration, possibly of
     * another machine): parsed and checked like any value, except that paths need not exist here.
     */
    static Origin given(Path base) {
        return new Origin(null, 0, GIVEN, base);
    }

    private static final String GIVEN = "given";

    /** Whether paths in this value must exist on this host (everything but {@link #given} values). */
    boolean checksHost() {
        return !GIVEN.equals(label);
    }

    public boolean isFile() {
        return file != null;
    }

    /** The same place, with relative paths resolving against {@code workingDirectory} (the %P specifier). */
    public Origin withBase(Path workingDirectory) {
        return new Origin(file, line, label, workingDirectory);
    }

    /** The directory relative paths in this value resolve against (%P): the parse's working directory. */
    public Path directory() {
        return base != null ? base : file == null ? null : file.getParent();
    }

    /** The directory of the file that wrote the value (%C); for the command line, where kimg was started. */
    public Path fileDirectory() {
        return file == null ? base : file.toAbsolutePath().getParent();
    }

    @Override
    public String toString() {
        return file != null ? file + ":" + line : label;
    }
}
