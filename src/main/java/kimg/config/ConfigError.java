package kimg.config;

/**
 * Bad configuration or usage: kimg prints one line naming the place and the setting and exits 2.
 * {@code origin} may be null for errors that have no file (a bad flag value).
 *
 * <p>Text from a config file can be anything (a 1 MB line, terminal escape codes, a NUL), so what a message
 * quotes goes through {@link #quote} and the rendered line is escaped and bounded as a whole.
 */
public final class ConfigError extends RuntimeException {
    /** Longest quoted text, in characters, before it is cut with "…". */
    public static final int QUOTE_MAX = 60;
    /** Longest message (after the place and setting), in characters; the middle is cut beyond it. */
    static final int MESSAGE_MAX = 200;
    /**
     * Longest rendered line (place, setting and message) before "kimg: error: " is put in front: a deep project path
     * leaves the message less room, so the printed line stays within 300 characters.
     */
    static final int LINE_MAX = 280;

    private final Origin origin;
    private final String setting;

    public ConfigError(Origin origin, String setting, String message) {
        super(message);
        this.origin = origin;
        this.setting = setting;
    }

    public static ConfigError usage(String message) {
        return new ConfigError(null, null, message);
    }

    public Origin origin() {
        return origin;
    }

    public String setting() {
        return setting;
    }

    /** This error, naming {@code name} as its setting unless it already names one (a path check deep down). */
    public ConfigError inSetting(String name) {
        if (setting != null) {
            return this;
        }
        var e = new ConfigError(origin, name, getMessage());
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** file:line: Setting=: message, on one line of printable text. */
    public String render() {
        var sb = new StringBuilder();
        if (origin != null) {
            sb.append(escape(origin.toString())).append(": ");
        }
        if (setting != null) {
            sb.append(escape(cap(setting, QUOTE_MAX))).append("=: ");
        }
        int room = Math.max(80, Math.min(MESSAGE_MAX, LINE_MAX - sb.length()));
        return sb.append(oneLine(getMessage() == null ? "" : getMessage(), room)).toString();
    }

    /**
     * {@code text} escaped and, beyond {@code max} characters, cut in the middle: the start says what is wrong,
     * the end often holds the hint ("(use yes or no)"). For errors and warnings, whatever they quote.
     */
    public static String oneLine(String text, int max) {
        String line = escape(text);
        if (line.length() <= max) {
            return line;
        }
        int head = max * 2 / 3;
        int tail = max - head - 1;
        return line.substring(0, safeEnd(line, head)) + "…" + line.substring(safeStart(line, line.length() - tail));
    }

    /**
     * {@code text} as a message quotes it: in single quotes, control and invisible characters written as
     * {@code \xNN} / {@code \}{@code uNNNN}, and at most {@link #QUOTE_MAX} characters (then "…").
     */
    public static String quote(String text) {
        return "'" + escape(cap(text, QUOTE_MAX)) + "'";
    }

    static String cap(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, safeEnd(text, max - 1)) + "…";
    }

    /** Control characters (C0, DEL, C1) as {@code \xNN}; format, line-separator and lone surrogate chars as {@code \}{@code uNNNN}. */
    public static String escape(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String esc = escaped(text, i, c);
            if (esc != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (esc != null) {
                    sb.append(esc);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    private static String escaped(String text, int i, char c) {
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
            return String.format("\\x%02x", (int) c);
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1)) ? null : unicode(c);
        }
        if (Character.isLowSurrogate(c)) {
            return i > 0 && Character.isHighSurrogate(text.charAt(i - 1)) ? null : unicode(c);
        }
        int type = Character.getType(c);
        if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
            return unicode(c);
        }
        return null;
    }

    private static String unicode(char c) {
        return String.format("\\u%04x", (int) c);
    }

    /** An end index that does not split a surrogate pair. */
    private static int safeEnd(String s, int end) {
        return end > 0 && end < s.length() && Character.isLowSurrogate(s.charAt(end))
                && Character.isHighSurrogate(s.charAt(end - 1)) ? end - 1 : end;
    }

    private static int safeStart(String s, int start) {
        return start > 0 && start < s.length() && Character.isLowSurrogate(s.charAt(start))
                && Character.isHighSurrogate(s.charAt(start - 1)) ? start + 1 : start;
    }
}
