package kimg.config;

import java.nio.file.Path;

/**
 * Where a value came from: a file and line, the command line, or the setting's default.
 *
 * @param base for values without a file (the command line): the directory their relative paths and %C resolve
 *             against, i.e. where kimg was started; null when unknown (then the process's working directory)
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

    /** The directory relative paths in this value resolve against: the file's (the %C specifier), or null. */
    public Path directory() {
        return file == null ? base : file.getParent();
    }

    @Override
    public String toString() {
        return file != null ? file + ":" + line : label;
    }
}
