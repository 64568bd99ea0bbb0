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
import java.util.stream.Stream;

/**
 * What a kernel tree's Kconfig files say about each symbol, as far as explaining a dropped request needs: its type,
 * whether it has a prompt (a user can set it), its {@code depends on} expressions (with those of the enclosing
 * {@code if} and {@code menu} blocks), and which symbols {@code select} it.
 *
 * <p>A small line parser, not kconfig: it reads every {@code Kconfig*} file under the tree (under arch/ only the
 * target's), skips help texts by indentation, joins {@code \} continuations, and ignores {@code choice} semantics,
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
    private static final Pattern MENU = Pattern.compile("^(menu|choice|comment)\\b.*$");

    /** Reads the tree's Kconfig files; {@code srcArch} is kbuild's SRCARCH (x86, arm64). */
    public static KconfigTree read(Path tree, String srcArch) {
        var parser = new Parser();
        try (Stream<Path> files = Files.walk(tree)) {
            List<Path> kconfigs = files.filter(p -> p.getFileName().toString().startsWith("Kconfig"))
                    .filter(Files::isRegularFile)
                    .filter(p -> {
                        Path rel = tree.relativize(p);
                        return !rel.startsWith("arch") || rel.getNameCount() < 2 || rel.getName(1).toString()
                                .equals(srcArch);
                    })
                    .filter(p -> !tree.relativize(p).startsWith("Documentation"))
                    .sorted().toList();
            for (Path f : kconfigs) {
                parser.file(tree.relativize(f).toString(), Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return parser.result();
    }

    /** Parses the given files (relative name → lines): for tests on a synthetic tree. */
    public static KconfigTree parse(Map<String, List<String>> files) {
        var parser = new Parser();
        files.forEach(parser::file);
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

        void file(String name, List<String> raw) {
            // Block stack: each if/menu/choice pushes its dependency ("" for none); endif/endmenu/endchoice pop.
            Deque<String> blocks = new ArrayDeque<>();
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
                        || text.startsWith("source ") || text.startsWith("mainmenu");
                if (ends) {
                    if (symbol != null) {
                        add(symbol, type, prompt, blocks, depends, where);
                        symbol = null;
                    }
                    inMenuHeader = false;
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
