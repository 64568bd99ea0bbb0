package kimg.kconfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a kernel tree's Kconfig files say about each symbol, as far as explaining a dropped request needs: its type,
 * whether it has a prompt (a user can set it), its {@code depends on} expressions (with those of the enclosing
 * {@code if} and {@code menu} blocks), and which symbols {@code select} it.
 *
 * <p>A small line parser, not kconfig: it reads the Kconfig files the top one sources, skips help texts by indentation, joins {@code \} continuations, and ignores {@code choice} semantics,
 * defaults and {@code imply}. Good enough to name the unmet dependency, which is all it is used for.
 *
 * @param symbols name without CONFIG_ → its definitions (a symbol may be defined in several places)
 * @param selectedBy name → the symbols whose entries {@code select} it (with the select's {@code if}, if any)
 */
public record KconfigTree(Map<String, List<Definition>> symbols, Map<String, List<Selector>> selectedBy) {
    /**
     * @param type      bool, tristate, string, int, hex, or "" when the entry names none
     * @param prompt    it has a prompt, so a config file can set it; without one only select or default can
     * @param dependsOn every {@code depends on} expression that applies, the enclosing blocks' first
     * @param where     file:line of the {@code config} line, the file relative to the tree
     */
    public record Definition(String type, boolean prompt, List<String> dependsOn, String where) {}

    /** @param symbol the selecting symbol; @param condition the select's {@code if} expression, or "" */
    public record Selector(String symbol, String condition, String where) {}

    private static final Pattern ENTRY = Pattern.compile("^(?:config|menuconfig)\\s+([A-Za-z0-9_]+)\\s*$");
    private static final Pattern TYPE = Pattern.compile(
            "^(bool|tristate|string|int|hex|def_bool|def_tristate)(?:\\s+(.*))?$");
    private static final Pattern DEPENDS = Pattern.compile("^depends\\s+on\\s+(.+)$");
    private static final Pattern SELECT = Pattern.compile("^select\\s+([A-Za-z0-9_]+)(?:\\s+if\\s+(.+))?$");
    private static final Pattern PROMPT = Pattern.compile("^prompt\\s+.+$");
    private static final Pattern IF = Pattern.compile("^if\\s+(.+)$");
    private static final Pattern SOURCE = Pattern.compile("^(o)?(r)?source\\s+\"([^\"]+)\"\\s*$");
    private static final Pattern MENU = Pattern.compile("^(menu|choice|comment)\\b.*$");

    /**
     * Reads the tree's Kconfig files from the top {@code Kconfig}, following {@code source} lines as kconfig does
     * (so an {@code if} or {@code menu} around a {@code source} applies to the sourced entries);
     * {@code $(SRCARCH)} is {@code srcArch} (x86, arm64). A file that is not there is skipped.
     */
    public static KconfigTree read(Path tree, String srcArch) {
        var parser = new Parser(name -> {
            Path f = tree.resolve(name);
            try {
                return Files.isRegularFile(f) ? Files.readAllLines(f, StandardCharsets.UTF_8) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, Map.of("SRCARCH", srcArch, "ARCH", srcArch));
        parser.file("Kconfig");
        return parser.result();
    }

    /** Parses from {@code Kconfig} in {@code files} (relative name → lines): for tests on a synthetic tree. */
    public static KconfigTree parse(Map<String, List<String>> files) {
        var parser = new Parser(files::get, Map.of());
        parser.file("Kconfig");
        return parser.result();
    }

    public List<Definition> definitions(String symbol) {
        return symbols.getOrDefault(symbol, List.of());
    }

    public List<Selector> selectors(String symbol) {
        return selectedBy.getOrDefault(symbol, List.of());
    }

    private static final class Parser {
        private final Map<String, List<Definition>> symbols = new LinkedHashMap<>();
        private final Map<String, List<Selector>> selectedBy = new LinkedHashMap<>();
        private final java.util.function.Function<String, List<String>> files;
        private final Map<String, String> variables;
        /** Each open if/menu/choice's dependency ("" for none), innermost first; shared across sourced files. */
        private final Deque<String> blocks = new ArrayDeque<>();

        Parser(java.util.function.Function<String, List<String>> files, Map<String, String> variables) {
            this.files = files;
            this.variables = variables;
        }

        void file(String name) {
            List<String> raw = files.apply(name);
            if (raw == null) {
                return;
            }
            String symbol = null;
            String type = "";
            boolean prompt = false;
            List<String> depends = new ArrayList<>();
            String where = null;
            boolean inMenuHeader = false;
            int helpIndent = -1;
            List<String> lines = joined(raw);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                String text = line.strip();
                if (helpIndent >= 0) {
                    if (text.isEmpty() || indent(line) >= helpIndent) {
                        continue;
                    }
                    helpIndent = -1;
                }
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                if (text.equals("help") || text.equals("---help---")) {
                    helpIndent = firstIndent(lines, i + 1, indent(line));
                    continue;
                }
                Matcher m = ENTRY.matcher(text);
                boolean ends = m.matches() || text.startsWith("endif") || text.startsWith("endmenu")
                        || text.startsWith("endchoice") || IF.matcher(text).matches() || MENU.matcher(text).matches()
                        || SOURCE.matcher(text).matches() || text.startsWith("mainmenu");
                if (ends) {
                    if (symbol != null) {
                        add(symbol, type, prompt, blocks, depends, where);
                        symbol = null;
                    }
                    inMenuHeader = false;
                }
                Matcher src = SOURCE.matcher(text);
                if (src.matches()) {
                    String target = expand(src.group(3));
                    if (target != null) {
                        // rsource/orsource are relative to this file's directory, source/osource to the tree.
                        boolean relative = src.group(2) != null;
                        int slash = name.lastIndexOf('/');
                        file(relative && slash >= 0 ? name.substring(0, slash + 1) + target : target);
                    }
                    continue;
                }
                if (m.matches()) {
                    symbol = m.group(1);
                    type = "";
                    prompt = false;
                    depends = new ArrayList<>();
                    where = name + ":" + lineNumber(raw, line, i);
                    continue;
                }
                Matcher f = IF.matcher(text);
                if (f.matches()) {
                    blocks.push(f.group(1).strip());
                    continue;
                }
                if (text.startsWith("endif") || text.startsWith("endmenu") || text.startsWith("endchoice")) {
                    if (!blocks.isEmpty()) {
                        blocks.pop();
                    }
                    continue;
                }
                if (MENU.matcher(text).matches()) {
                    // A comment has no end; menu and choice do, and their depends on apply to what they hold.
                    if (!text.startsWith("comment")) {
                        blocks.push("");
                        inMenuHeader = true;
                    }
                    continue;
                }
                Matcher d = DEPENDS.matcher(text);
                if (d.matches()) {
                    if (symbol != null) {
                        depends.add(d.group(1).strip());
                    } else if (inMenuHeader && !blocks.isEmpty()) {
                        String prev = blocks.pop();
                        blocks.push(prev.isEmpty() ? d.group(1).strip() : "(" + prev + ") && (" + d.group(1).strip()
                                + ")");
                    }
                    continue;
                }
                if (symbol == null) {
                    continue;
                }
                Matcher t = TYPE.matcher(text);
                if (t.matches()) {
                    type = t.group(1).replace("def_", "");
                    prompt |= !t.group(1).startsWith("def_") && t.group(2) != null && t.group(2).startsWith("\"");
                    continue;
                }
                if (PROMPT.matcher(text).matches()) {
                    prompt = true;
                    continue;
                }
                Matcher s = SELECT.matcher(text);
                if (s.matches()) {
                    selectedBy.computeIfAbsent(s.group(1), k -> new ArrayList<>()).add(new Selector(symbol,
                            s.group(2) == null ? "" : s.group(2).strip(), where));
                }
            }
            if (symbol != null) {
                add(symbol, type, prompt, blocks, depends, where);
            }
        }

        /** A source path with $(VAR) expanded; null when it names a variable kimg does not know (a glob too). */
        private String expand(String path) {
            String out = path;
            for (var e : variables.entrySet()) {
                out = out.replace("$(" + e.getKey() + ")", e.getValue());
            }
            return out.contains("$(") || out.contains("*") ? null : out;
        }

        private void add(String symbol, String type, boolean prompt, Deque<String> blocks, List<String> depends,
                String where) {
            var all = new ArrayList<String>();
            // The deque iterates from the innermost block; the outermost condition reads first.
            List<String> outerFirst = new ArrayList<>(blocks);
            java.util.Collections.reverse(outerFirst);
            outerFirst.stream().filter(b -> !b.isEmpty()).forEach(all::add);
            all.addAll(depends);
            symbols.computeIfAbsent(symbol, k -> new ArrayList<>()).add(new Definition(type, prompt, all, where));
        }

        KconfigTree result() {
            var s = new LinkedHashMap<String, List<Definition>>();
            symbols.forEach((k, v) -> s.put(k, List.copyOf(v)));
            var b = new LinkedHashMap<String, List<Selector>>();
            selectedBy.forEach((k, v) -> b.put(k, List.copyOf(v)));
            return new KconfigTree(java.util.Collections.unmodifiableMap(s), java.util.Collections.unmodifiableMap(b));
        }
    }

    /** Lines with backslash continuations joined; a joined line keeps the first one's indentation. */
    private static List<String> joined(List<String> raw) {
        var out = new ArrayList<String>();
        StringBuilder pending = null;
        for (String line : raw) {
            String l = line.replace("\t", "        ");
            if (pending != null) {
                pending.append(' ').append(l.strip());
            } else {
                pending = new StringBuilder(l);
            }
            if (pending.toString().endsWith("\\")) {
                pending.setLength(pending.length() - 1);
                while (pending.length() > 0 && pending.charAt(pending.length() - 1) == ' ') {
                    pending.setLength(pending.length() - 1);
                }
                continue;
            }
            out.add(pending.toString());
            pending = null;
        }
        if (pending != null) {
            out.add(pending.toString());
        }
        return out;
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }

    /** The help text's indentation: that of its first non-blank line (deeper than the help keyword's). */
    private static int firstIndent(List<String> lines, int from, int keywordIndent) {
        for (int i = from; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                int n = indent(lines.get(i));
                return n > keywordIndent ? n : Integer.MAX_VALUE;
            }
        }
        return Integer.MAX_VALUE;
    }

    /** The 1-based line of joined line {@code index} in the raw file (continuations make them differ). */
    private static int lineNumber(List<String> raw, String joinedLine, int index) {
        String text = joinedLine.strip();
        for (int i = index; i < raw.size(); i++) {
            if (raw.get(i).strip().equals(text)) {
                return i + 1;
            }
        }
        return index + 1;
    }
}
