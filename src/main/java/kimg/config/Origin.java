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
