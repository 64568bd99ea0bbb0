package kimg.kconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kconfig expression ({@code A && (B || !C)}, {@code X = "y"}, {@code 64BIT}) as a tree, evaluated in kconfig's
 * tristate logic: n = 0, m = 1, y = 2; {@code &&} is min, {@code ||} max, {@code !} 2 - x; a comparison is y or n.
 * A {@code $(...)} macro (evaluated by kconfig from the toolchain) counts as y: kimg cannot evaluate it.
 */
public sealed interface KconfigExpr {
    record Symbol(String name) implements KconfigExpr {
        public int eval(Function<String, String> value) {
            return tristate(name, value);
        }

        public String text() {
            return name;
        }
    }

    record Not(KconfigExpr operand) implements KconfigExpr {
        public int eval(Function<String, String> value) {
            return Y - operand.eval(value);
        }

        public String text() {
            return "!" + (operand instanceof Symbol ? operand.text() : "(" + operand.text() + ")");
        }
    }

    record And(KconfigExpr left, KconfigExpr right) implements KconfigExpr {
        public int eval(Function<String, String> value) {
            return Math.min(left.eval(value), right.eval(value));
        }

        public String text() {
            return group(left) + " && " + group(right);
        }

        private static String group(KconfigExpr e) {
            return e instanceof Or ? "(" + e.text() + ")" : e.text();
        }
    }

    record Or(KconfigExpr left, KconfigExpr right) implements KconfigExpr {
        public int eval(Function<String, String> value) {
            return Math.max(left.eval(value), right.eval(value));
        }

        public String text() {
            return left.text() + " || " + right.text();
        }
    }

    record Compare(String op, String left, String right) implements KconfigExpr {
        public int eval(Function<String, String> value) {
            return compare(this, value) ? Y : N;
        }

        public String text() {
            return left + op + right;
        }
    }

    int N = 0;
    int M = 1;
    int Y = 2;

    /**
     * @param value a symbol's value as .config writes it (y, m, a string, a number), "n" when unset
     */
    int eval(Function<String, String> value);

    /** Kconfig's own spelling, for messages. */
    String text();

    private static int tristate(String name, Function<String, String> value) {
        if (name.startsWith("$(")) {
            return Y;
        }
        String v = literal(name, value);
        return switch (v) {
            case "y" -> Y;
            case "m" -> M;
            default -> N;
        };
    }

    /** y, m and n are constants; a quoted string is itself; anything else is a symbol's value. */
    private static String literal(String token, Function<String, String> value) {
        if (token.equals("y") || token.equals("m") || token.equals("n")) {
            return token;
        }
        if (token.startsWith("\"")) {
            return token.substring(1, token.length() - 1);
        }
        if (token.matches("-?[0-9]+|0x[0-9a-fA-F]+")) {
            return token;
        }
        String v = value.apply(token);
        return v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2 ? v.substring(1, v.length() - 1) : v;
    }

    private static boolean compare(Compare c, Function<String, String> value) {
        String l = literal(c.left(), value);
        String r = literal(c.right(), value);
        if (c.op().equals("=")) {
            return l.equals(r);
        }
        if (c.op().equals("!=")) {
            return !l.equals(r);
        }
        long a;
        long b;
        try {
            a = Long.decode(l);
            b = Long.decode(r);
        } catch (NumberFormatException e) {
            return false;
        }
        return switch (c.op()) {
            case "<" -> a < b;
            case "<=" -> a <= b;
            case ">" -> a > b;
            default -> a >= b;
        };
    }

    Pattern TOKEN = Pattern.compile("\\s*(\\$\\([^)]*\\)|&&|\\|\\||!=|<=|>=|[!()=<>]|\"[^\"]*\"|[A-Za-z0-9_.x-]+)");

    /** @throws IllegalArgumentException on text that is not an expression */
    static KconfigExpr parse(String text) {
        var tokens = new ArrayList<String>();
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (text.substring(at).isBlank()) {
                break;
            }
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("not a kconfig expression: " + text);
            }
            tokens.add(m.group(1));
            at = m.end();
        }
        var p = new ExprParser(tokens);
        KconfigExpr e = p.or();
        if (p.pos != tokens.size()) {
            throw new IllegalArgumentException("not a kconfig expression: " + text);
        }
        return e;
    }

    /** Recursive descent: or := and ('||' and)*; and := not ('&&' not)*; not := '!' not | atom. */
    final class ExprParser {
        private final List<String> tokens;
        private int pos;

        ExprParser(List<String> tokens) {
            this.tokens = tokens;
        }

        KconfigExpr or() {
            KconfigExpr e = and();
            while (peek("||")) {
                pos++;
                e = new Or(e, and());
            }
            return e;
        }

        KconfigExpr and() {
            KconfigExpr e = not();
            while (peek("&&")) {
                pos++;
                e = new And(e, not());
            }
            return e;
        }

        KconfigExpr not() {
            if (peek("!")) {
                pos++;
                return new Not(not());
            }
            if (peek("(")) {
                pos++;
                KconfigExpr e = or();
                expect(")");
                return e;
            }
            String left = next();
            for (String op : List.of("=", "!=", "<", "<=", ">", ">=")) {
                if (peek(op)) {
                    pos++;
                    return new Compare(op, left, next());
                }
            }
            return new Symbol(left);
        }

        private boolean peek(String t) {
            return pos < tokens.size() && tokens.get(pos).equals(t);
        }

        private String next() {
            if (pos >= tokens.size()) {
                throw new IllegalArgumentException("expression ends early");
            }
            return tokens.get(pos++);
        }

        private void expect(String t) {
            if (!peek(t)) {
                throw new IllegalArgumentException("expected " + t);
            }
            pos++;
        }
    }
}
