package kimg.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code [Match] ImageVersion=}: an optional operator ({@code == != <= >= < >}, default {@code ==}) and a version,
 * compared the way systemd compares versions: runs of digits numerically, other runs as text, a missing part
 * sorting first ({@code 1.2 < 1.2.1}). Simplified from systemd's rules: {@code ~} and {@code ^} are plain text.
 */
final class Versions {
    private Versions() {}

    static boolean matches(String condition, String value) {
        if (value.isEmpty()) {
            return false;
        }
        for (String op : List.of("==", "!=", "<=", ">=", ">", "<")) {
            if (condition.startsWith(op)) {
                int c = compare(value, condition.substring(op.length()).strip());
                return switch (op) {
                    case "==" -> c == 0;
                    case "!=" -> c != 0;
                    case "<=" -> c <= 0;
                    case ">=" -> c >= 0;
                    case ">" -> c > 0;
                    default -> c < 0;
                };
            }
        }
        return compare(value, condition) == 0;
    }

    static int compare(String a, String b) {
        List<String> x = parts(a);
        List<String> y = parts(b);
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            String p = x.get(i);
            String q = y.get(i);
            boolean pn = Character.isDigit(p.charAt(0));
            boolean qn = Character.isDigit(q.charAt(0));
            int c;
            if (pn && qn) {
                String ps = p.replaceFirst("^0+(?=.)", "");
                String qs = q.replaceFirst("^0+(?=.)", "");
                c = ps.length() != qs.length() ? Integer.compare(ps.length(), qs.length()) : ps.compareTo(qs);
            } else if (pn != qn) {
                c = pn ? 1 : -1; // a number sorts after text, as in systemd
            } else {
                c = p.compareTo(q);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    }

    /** Runs of digits and runs of letters; separators ('.', '-', '_', ...) only separate. */
    private static List<String> parts(String v) {
        var out = new ArrayList<String>();
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                i++;
                continue;
            }
            int j = i;
            boolean digit = Character.isDigit(c);
            while (j < v.length() && Character.isLetterOrDigit(v.charAt(j)) && Character.isDigit(v.charAt(j)) == digit) {
                j++;
            }
            out.add(v.substring(i, j));
            i = j;
        }
        return out;
    }
}
