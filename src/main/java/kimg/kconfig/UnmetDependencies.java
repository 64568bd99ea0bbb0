package kimg.kconfig;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Why kconfig dropped a requested value, and what would satisfy it: the chain of unmet {@code depends on} (each
 * with its Kconfig file:line), down to symbols a config file can set, and the fragment lines that set them. For a
 * symbol without a prompt, which can only be selected, the symbols that select it.
 *
 * @param chain    readable lines, indented by depth
 * @param fragment {@code CONFIG_X=y} and {@code # CONFIG_X is not set} lines that would satisfy the chain (the
 *                 first alternative of every {@code ||}), the requested symbol last
 */
public record UnmetDependencies(List<String> chain, List<String> fragment) {
    private static final int MAX_DEPTH = 8;

    /**
     * @param symbol the symbol without CONFIG_
     * @param wanted its requested value (y, m, or a string/number)
     * @param value  a symbol's value in the final .config (without CONFIG_), "n" when unset
     */
    public static UnmetDependencies explain(KconfigTree tree, String symbol, String wanted,
            Function<String, String> value) {
        var w = new Walk(tree, value);
        w.symbol(symbol, wanted, 0);
        return new UnmetDependencies(List.copyOf(w.chain), List.copyOf(w.fragment));
    }

    private static final class Walk {
        private final KconfigTree tree;
        private final Function<String, String> value;
        private final List<String> chain = new ArrayList<>();
        private final Set<String> fragment = new LinkedHashSet<>();
        private final Set<String> seen = new HashSet<>();

        Walk(KconfigTree tree, Function<String, String> value) {
            this.tree = tree;
            this.value = value;
        }

        void symbol(String name, String wanted, int depth) {
            String pad = "  ".repeat(depth);
            if (!seen.add(name) || depth > MAX_DEPTH) {
                return;
            }
            List<KconfigTree.Definition> defs = tree.definitions(name);
            if (defs.isEmpty()) {
                chain.add(pad + "CONFIG_" + name + ": no such symbol in this tree (a typo, or another architecture's)");
                return;
            }
            KconfigTree.Definition def = defs.get(0);
            if (wanted.equals("m") && def.type().equals("bool")) {
                chain.add(pad + "CONFIG_" + name + " is a bool (" + def.where() + "): it can be y or n, not m");
                fragment.add("CONFIG_" + name + "=y");
                wanted = "y";
            }
            int need = wanted.equals("m") ? KconfigExpr.M : KconfigExpr.Y;
            boolean unmet = false;
            for (String text : def.dependsOn()) {
                KconfigExpr e;
                try {
                    e = KconfigExpr.parse(text);
                } catch (IllegalArgumentException ex) {
                    continue;
                }
                int got = e.eval(value);
                if (got >= need) {
                    continue;
                }
                unmet = true;
                chain.add(pad + "CONFIG_" + name + " depends on " + e.text() + " (" + def.where() + "): "
                        + (got == KconfigExpr.M ? "m, so at most m" : "not met"));
                satisfy(e, need, depth + 1);
            }
            if (!unmet && !def.prompt()) {
                List<KconfigTree.Selector> by = tree.selectors(name);
                if (by.isEmpty()) {
                    chain.add(pad + "CONFIG_" + name + " has no prompt and nothing selects it (" + def.where()
                            + "): only its default sets it");
                } else {
                    KconfigTree.Selector first = by.get(0);
                    chain.add(pad + "CONFIG_" + name + " has no prompt (" + def.where() + "): only select sets it;"
                            + " selected by " + String.join(", ", by.stream().limit(6).map(s -> "CONFIG_" + s.symbol()
                                    + (s.condition().isEmpty() ? "" : " if " + s.condition())).toList())
                            + (by.size() > 6 ? ", ..." : ""));
                    symbol(first.symbol(), wanted, depth + 1);
                    return;
                }
            }
            fragment.add(wanted.equals("n") ? "# CONFIG_" + name + " is not set" : "CONFIG_" + name + "=" + wanted);
        }

        /** What makes {@code e} at least {@code need}: every side of &&, the first side of || that can be. */
        void satisfy(KconfigExpr e, int need, int depth) {
            if (e.eval(value) >= need) {
                return;
            }
            if (e instanceof KconfigExpr.And a) {
                satisfy(a.left(), need, depth);
                satisfy(a.right(), need, depth);
            } else if (e instanceof KconfigExpr.Or o) {
                chain.add("  ".repeat(depth) + "(one of: " + o.text() + "; taking the first)");
                satisfy(o.left(), need, depth);
            } else if (e instanceof KconfigExpr.Not n && n.operand() instanceof KconfigExpr.Symbol s) {
                chain.add("  ".repeat(depth) + "CONFIG_" + s.name() + " must be off");
                fragment.add("# CONFIG_" + s.name() + " is not set");
            } else if (e instanceof KconfigExpr.Symbol s && !s.name().matches("[ymn]|\\$\\(.*")) {
                symbol(s.name(), need == KconfigExpr.M ? "m" : "y", depth);
            } else if (e instanceof KconfigExpr.Compare c && c.op().equals("=") && c.left().matches("[A-Z0-9_]+")) {
                chain.add("  ".repeat(depth) + "CONFIG_" + c.left() + " must be " + c.right());
                fragment.add("CONFIG_" + c.left() + "=" + c.right());
            } else {
                chain.add("  ".repeat(depth) + e.text() + ": cannot be set from a config file (toolchain or"
                        + " architecture)");
            }
        }
    }
}
