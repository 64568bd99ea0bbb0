package kimg.config;

import java.nio.file.Path;

/** Where a value came from: a file and line, the command line, or the setting's default. */
public record Origin(Path file, int line, String label) {
    public static final Origin DEFAULT = new Origin(null, 0, "default");
    public static final Origin COMMAND_LINE = new Origin(null, 0, "command line");

    public static Origin at(Path file, int line) {
        return new Origin(file, line, null);
    }

    public boolean isFile() {
        return file != null;
    }

    /** The directory of the file this came from (the %C specifier), or null. */
    public Path directory() {
        return file == null ? null : file.getParent();
    }

    @Override
    public String toString() {
        return file != null ? file + ":" + line : label;
    }
}
