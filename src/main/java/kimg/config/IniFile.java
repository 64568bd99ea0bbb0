package kimg.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * mkosi's INI dialect, tokenized: {@code [Section]} headers and {@code Key=Value} lines, where
 * <ul>
 *   <li>{@code #} starts a comment anywhere on a line ({@code gcc # sanitizers} is {@code gcc});</li>
 *   <li>a line that starts with whitespace continues the previous value (multi-line lists);</li>
 *   <li>a key may repeat; blank lines are ignored.</li>
 * </ul>
 * Every entry keeps the line it started on. We use our own tokenizer because ini4j trims lines (losing
 * continuations), treats ':' as '=', and rewrites backslashes.
 */
public record IniFile(Path path, List<Entry> entries) {

    /** A section header or an assignment, with its 1-based line. */
    public sealed interface Entry permits Section, Assignment {
        int line();
    }

    public record Section(String name, int line) implements Entry {}

    /** {@code value} holds continuation lines joined with '\n'. */
    public record Assignment(String section, String key, String value, int line) implements Entry {
        public Origin origin(Path file) {
            return Origin.at(file, line);
        }
    }

    public static IniFile read(Path path) {
        try {
            return parse(path, Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigError(Origin.at(path, 0), null, "cannot read: " + e.getMessage());
        }
    }

    public static IniFile parse(Path path, String text) {
        List<Entry> out = new ArrayList<>();
        String section = null;
        String[] lines = text.split("\r?\n", -1);
        Assignment open = null; // the assignment continuation lines extend
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String raw = lines[i];
            String content = stripComment(raw);
            if (content.isBlank()) {
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0))) {
                if (open == null) {
                    throw new ConfigError(Origin.at(path, lineNo), null,
                            "continuation line without a setting before it: '" + raw.strip() + "'");
                }
                String joined = open.value().isEmpty() ? content.strip() : open.value() + "\n" + content.strip();
                open = new Assignment(open.section(), open.key(), joined, open.line());
                out.set(out.size() - 1, open);
                continue;
            }
            String line = content.strip();
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new ConfigError(Origin.at(path, lineNo), null, "unterminated section header: " + line);
                }
                String name = line.substring(1, line.length() - 1).strip();
                if (name.isEmpty()) {
                    throw new ConfigError(Origin.at(path, lineNo), null, "empty section name");
                }
                section = name;
                out.add(new Section(name, lineNo));
                open = null;
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigError(Origin.at(path, lineNo), null, "expected Key=Value, got '" + line + "'");
            }
            String key = line.substring(0, eq).strip();
            if (key.isEmpty()) {
                throw new ConfigError(Origin.at(path, lineNo), null, "missing setting name before '='");
            }
            if (section == null) {
                throw new ConfigError(Origin.at(path, lineNo), key, "setting outside a section");
            }
            open = new Assignment(section, key, line.substring(eq + 1).strip(), lineNo);
            out.add(open);
        }
        return new IniFile(path, List.copyOf(out));
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }
}
