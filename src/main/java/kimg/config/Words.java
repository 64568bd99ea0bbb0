package kimg.config;

import java.util.ArrayList;
import java.util.List;

/** How assignment text becomes items: mkosi's whitespace/comma lists, and shell-like words for QemuArgs=. */
final class Words {
    private Words() {}

    static List<String> split(String text, Setting.Split how, Origin origin, String setting) {
        return switch (how) {
            case NONE -> text.isBlank() ? List.of() : List.of(text.replace('\n', ' ').strip());
            case WORDS -> words(text);
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

    static List<String> words(String text) {
        var out = new ArrayList<String>();
        for (String w : text.split("[\\s,]+")) {
            if (!w.isEmpty()) {
                out.add(w);
            }
        }
        return out;
    }

    /** Splits like a POSIX shell splits words: single and double quotes, backslash escapes; no expansion. */
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
                } else if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                    cur.append(text.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                cur.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    out.add(cur.toString());
                    cur.setLength(0);
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
            out.add(cur.toString());
        }
        return out;
    }
}
