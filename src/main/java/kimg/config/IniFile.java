package kimg.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * mkosi's INI dialect, tokenized as mkosi v26's {@code parse_ini} (mkosi/config.py) reads it:
 * <ul>
 *   <li>{@code \r\n} and a lone {@code \r} end lines (Python reads text with universal newlines);</li>
 *   <li>the file is then dedented: whitespace common to every non-blank line is removed (Python's
 *       {@code textwrap.dedent}), so a file whose every line is indented reads like an unindented one;</li>
 *   <li>lines also end at the other breaks of Python's {@code str.splitlines}
 *       ({@code \v \f \x1c \x1d \x1e \x85 \u2028 \u2029});</li>
 *   <li>{@code #} starts a comment anywhere on a line ({@code gcc # sanitizers} is {@code gcc}); {@code ;} is
 *       ordinary text, as in mkosi (a line {@code ; note} is a line without '=');</li>
 *   <li>a line that starts with whitespace continues the previous assignment's value (multi-line lists), but an
 *       indented line right after a section header, or after a continuation-less start, is an assignment of
 *       its own, as in mkosi;</li>
 *   <li>a key may repeat; blank lines are ignored.</li>
 * </ul>
 * Every entry keeps the line it started on. Reading is linear in the file's size (a value of 200,000
 * continuation lines is built once, not re-copied per line).
 */
public record IniFile(Path path, List<Entry> entries) {
    /** Larger files are refused: a config file is a few KB, and {@code Include=/dev/zero} must not eat memory. */
    public static final int MAX_BYTES = 1 << 20;

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

    /**
     * Reads and tokenizes one file.
     *
     * @throws ConfigError naming the file when it is not a regular file (a FIFO, a device), larger than
     *     {@link #MAX_BYTES}, not UTF-8 (with the line and byte offset of the first bad byte), or malformed
     */
    public static IniFile read(Path path) {
        return parse(path, text(path));
    }

    /** The file's text, checked to be a bounded regular file of valid UTF-8. */
    static String text(Path path) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class); // follows symlinks, never opens
        } catch (IOException e) {
            throw new ConfigError(Origin.at(path, 0), null, "cannot read: " + reason(e));
        }
        if (!attrs.isRegularFile()) {
            // Opening a FIFO blocks until a writer comes; /dev/zero never ends. Neither is a config file.
            throw new ConfigError(Origin.at(path, 0), null, "not a regular file (" + kind(path, attrs)
                    + "): only files and directories are read");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1); // the size may change between the check and the read
        } catch (IOException e) {
            throw new ConfigError(Origin.at(path, 0), null, "cannot read: " + reason(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw new ConfigError(Origin.at(path, 0), null, "file larger than " + (MAX_BYTES >> 20)
                    + " MiB, not a config file");
        }
        return decode(path, bytes);
    }

    private static String kind(Path path, BasicFileAttributes attrs) {
        if (attrs.isDirectory()) {
            return "a directory";
        }
        try {
            Object type = Files.getAttribute(path, "unix:mode");
            int fmt = ((Integer) type) & 0170000;
            return switch (fmt) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "not a regular file";
            };
        } catch (IOException | RuntimeException e) {
            return "a special file";
        }
    }

    private static String reason(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName().replace("Exception", "") + (m == null ? "" : ": " + m);
    }

    /** Strict UTF-8: the first malformed byte is reported with its line and byte offset. */
    static String decode(Path path, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            r = decoder.flush(out);
        }
        if (r.isError()) {
            int offset = in.position();
            String before = new String(bytes, 0, offset, StandardCharsets.UTF_8);
            int line = lines(before).size();
            if (before.isEmpty() || endsWithBreak(before)) {
                line++;
            }
            throw new ConfigError(Origin.at(path, line), null, String.format(
                    "not valid UTF-8: byte 0x%02X at byte offset %d", bytes[offset] & 0xff, offset));
        }
        out.flip();
        return out.toString();
    }

    private static boolean endsWithBreak(String s) {
        return isBreak(s.charAt(s.length() - 1));
    }

    /** Tokenizes {@code text} as the content of {@code path} (which is only used in errors and origins). */
    public static IniFile parse(Path path, String text) {
        List<Entry> out = new ArrayList<>();
        String section = null;
        // The assignment continuation lines extend: its value grows in a builder and is stored when it closes.
        Assignment open = null;
        StringBuilder value = null;
        // Python's text mode reads \r\n and \r as \n before mkosi dedents (universal newlines).
        List<String> lines = lines(dedent(text.replace("\r\n", "\n").replace('\r', '\n')));
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String raw = lines.get(i);
            String content = stripComment(raw);
            if (strip(content).isEmpty()) {
                continue;
            }
            if (open != null && isSpace(raw.charAt(0))) {
                if (value.length() > 0) {
                    value.append('\n');
                }
                value.append(strip(content));
                continue;
            }
            if (open != null) {
                out.add(new Assignment(open.section(), open.key(), value.toString(), open.line()));
                open = null;
            }
            String line = strip(content);
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw new ConfigError(Origin.at(path, lineNo), null,
                            "unterminated section header: " + ConfigError.quote(line));
                }
                String name = strip(line.substring(1, line.length() - 1));
                if (name.isEmpty()) {
                    throw new ConfigError(Origin.at(path, lineNo), null, "empty section name");
                }
                section = name;
                out.add(new Section(name, lineNo));
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigError(Origin.at(path, lineNo), null,
                        "expected Key=Value, got " + ConfigError.quote(line));
            }
            String key = strip(line.substring(0, eq));
            if (key.isEmpty()) {
                throw new ConfigError(Origin.at(path, lineNo), null, "missing setting name before '='");
            }
            if (section == null) {
                throw new ConfigError(Origin.at(path, lineNo), key, "setting outside a section");
            }
            open = new Assignment(section, key, "", lineNo);
            value = new StringBuilder(strip(line.substring(eq + 1)));
        }
        if (open != null) {
            out.add(new Assignment(open.section(), open.key(), value.toString(), open.line()));
        }
        return new IniFile(path, List.copyOf(out));
    }

    /** Python's {@code str.isspace()} for one character: Java's whitespace plus no-break spaces (U+00A0 ...). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** Python's {@code str.strip()}, which mkosi applies to keys, values and continuation lines. */
    private static String strip(String s) {
        int b = 0;
        int e = s.length();
        while (b < e && isSpace(s.charAt(b))) {
            b++;
        }
        while (e > b && isSpace(s.charAt(e - 1))) {
            e--;
        }
        return s.substring(b, e);
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    // ---- Python's textwrap.dedent and str.splitlines, which mkosi applies to every file ----------------------

    /**
     * Removes the longest run of spaces and tabs that starts every line (lines are {@code \n}-separated here, as
     * in Python's {@code textwrap.dedent}); lines of only spaces and tabs do not count and become empty.
     */
    static String dedent(String text) {
        String[] lines = text.split("\n", -1);
        String margin = null;
        for (String l : lines) {
            int n = indent(l);
            if (n == l.length()) {
                continue; // empty or whitespace-only
            }
            String ind = l.substring(0, n);
            if (margin == null || margin.startsWith(ind)) {
                margin = ind;
            } else if (!ind.startsWith(margin)) {
                int k = 0;
                while (k < margin.length() && k < ind.length() && margin.charAt(k) == ind.charAt(k)) {
                    k++;
                }
                margin = margin.substring(0, k);
            }
            if (margin.isEmpty()) {
                return text; // the common case: some line starts in column 0
            }
        }
        var sb = new StringBuilder(text.length());
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (i > 0) {
                sb.append('\n');
            }
            if (indent(l) == l.length()) {
                continue;
            }
            sb.append(margin != null && l.startsWith(margin) ? l.substring(margin.length()) : l);
        }
        return sb.toString();
    }

    private static int indent(String l) {
        int n = 0;
        while (n < l.length() && (l.charAt(n) == ' ' || l.charAt(n) == '\t')) {
            n++;
        }
        return n;
    }

    /** Python's {@code str.splitlines()}: no empty last element for a trailing break. */
    static List<String> lines(String text) {
        var out = new ArrayList<String>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (isBreak(c)) {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < n) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static boolean isBreak(char c) {
        return switch (c) {
            case '\n', '\r', '\u000b', '\u000c', '\u001c', '\u001d', '\u001e', '\u0085', '\u2028', '\u2029' -> true;
            default -> false;
        };
    }
}
