package kimg.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How assignment text becomes items: mkosi v26's comma/line-end lists (Packages=, Include=, paths), shell-like words
 * for QemuArgs= and Environment=, kernel parameters for KernelCommandLine=.
 */
final class Words {
    private Words() {}

    static List<String> split(String text, Setting.Split how, Origin origin, String setting) {
        return switch (how) {
            case NONE -> text.isBlank() ? List.of() : List.of(text.replace('\n', ' ').strip());
            case COMMAS -> commas(text);
            case SHELL -> shell(text, origin, setting);
            case KERNEL -> kernel(text, origin, setting);
        };
    }

    /** Kernel command line parameters: split at whitespace outside double quotes; the quotes stay. */
    static List<String> kernel(String text, Origin origin, String setting) {
        var out = new ArrayList<String>();
        var cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (!quoted && Character.isWhitespace(c)) {
                if (cur.length() > 0) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new ConfigError(origin, setting, "unterminated double quote");
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /**
     * mkosi v26's list parser for path lists (delimiter ","): items end at commas and line ends only, so
     * {@code ExtraTrees=/srv/my tree:/x} is one tree whose path has a space, as in mkosi.
     */
    static List<String> commas(String text) {
        var out = new ArrayList<String>();
        for (String w : text.split("[,\n]")) {
            String item = w.strip();
            if (!item.isEmpty()) {
                out.add(item);
            }
        }
        return out;
    }

    /**
     * Splits as mkosi v26 splits QemuArgs= and Environment= (Python's {@code shlex} in POSIX mode with only space
     * and newline as separators): single quotes keep everything; in double quotes a backslash escapes only
     * {@code "} and {@code \}; outside quotes it escapes any character. No expansion; a tab is part of a word;
     * an empty word ({@code ""}) is dropped, as mkosi drops it.
     */
    static List<String> shell(String text, Origin origin, String setting) {
        var out = new ArrayList<String>();
        var cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < text.length() && "\"\\".indexOf(text.charAt(i + 1)) >= 0) {
                    cur.append(text.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 == text.length()) {
                    throw new ConfigError(origin, setting, "backslash at the end of the value (write \\\\ for one)");
                }
                cur.append(text.charAt(++i));
                inWord = true;
            } else if (c == ' ' || c == '\n') {
                if (inWord) {
                    add(out, cur);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new ConfigError(origin, setting, "unterminated " + (quote == '"' ? "double" : "single") + " quote");
        }
        if (inWord) {
            add(out, cur);
        }
        return out;
    }

    private static void add(List<String> out, StringBuilder word) {
        if (word.length() > 0) {
            out.add(word.toString());
        }
        word.setLength(0);
    }
}
