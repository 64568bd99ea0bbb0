package kimg.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Setting;
import kimg.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The global options, and one {@code --kebab-case} option per row of the settings table, declared
 * programmatically so that adding a setting adds its flag. They are inherited by every verb, so
 * {@code kimg -f qemu} and {@code kimg qemu -f} mean the same.
 */
final class Flags {
    /** Short aliases kept from mkosi. */
    private static final Map<String, String> SHORT = Map.of("Distribution", "-d", "Release", "-r", "Format", "-t");

    /**
     * Setting flags that are not inherited by the verbs because a verb has an option of the same name: after
     * {@code build}, {@code -i/--incremental} is mkosi-kernel's "only the modules"; the Incremental= setting is
     * still {@code kimg --incremental=no build} (before the verb).
     */
    private static final java.util.Set<String> ROOT_ONLY = java.util.Set.of("incremental");

    private Flags() {}

    static void addGlobal(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-C", "--directory").paramLabel("DIR").type(String.class)
                .scopeType(ScopeType.INHERIT).description("project directory (default: the current one)").build());
        spec.addOption(OptionSpec.builder("-f", "--force").type(boolean[].class).arity("0")
                .scopeType(ScopeType.INHERIT)
                .description("rebuild the image from the cache; -ff also drops the caches").build());
        spec.addOption(OptionSpec.builder("--debug").arity("0").type(boolean.class).scopeType(ScopeType.INHERIT)
                .description("show every command kimg runs and its output").build());
        spec.addOption(OptionSpec.builder("-j", "--jobs").paramLabel("auto|auto+1|N").type(String.class)
                .scopeType(ScopeType.INHERIT).description("parallel build jobs (default: auto)").build());
        for (Setting s : Settings.all()) {
            String[] names = SHORT.containsKey(s.name())
                    ? new String[] {SHORT.get(s.name()), "--" + s.flag()}
                    : new String[] {"--" + s.flag()};
            spec.addOption(OptionSpec.builder(names).paramLabel(s.list() ? "ITEMS" : "VALUE")
                    .type(String[].class).arity("1")
                    .scopeType(ROOT_ONLY.contains(s.flag()) ? ScopeType.LOCAL : ScopeType.INHERIT)
                    .description("[" + s.section() + "] " + s.name() + "=: " + s.help()).build());
        }
    }

    /** The parse results of the root and the chosen verb, outermost first. */
    static List<ParseResult> chain(ParseResult root) {
        var out = new ArrayList<ParseResult>();
        for (ParseResult p = root; p != null; p = p.subcommand()) {
            out.add(p);
        }
        return out;
    }

    static String string(List<ParseResult> chain, String name, String fallback) {
        String v = fallback;
        for (ParseResult p : chain) {
            if (p.hasMatchedOption(name)) {
                v = p.matchedOptionValue(name, v);
            }
        }
        return v;
    }

    static boolean flag(List<ParseResult> chain, String name) {
        return chain.stream().anyMatch(p -> p.hasMatchedOption(name));
    }

    /**
     * How often a flag was given before and after the verb. picocli lists a matched option once per occurrence
     * ({@code -ff} twice), and an inherited option's copy on the verb separately from the root's.
     */
    static int count(List<ParseResult> chain, String name) {
        int n = 0;
        for (ParseResult p : chain) {
            for (OptionSpec o : p.matchedOptions()) {
                if (o.shortestName().equals(name) || o.longestName().equals(name)) {
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * Setting name → the values given on the command line, in order. Each option appears in matchedOptions()
     * once per occurrence but carries all of its values, so each is read once; on a verb only the inherited
     * options are settings (the verb's own, like build's {@code --incremental}, are not).
     */
    static Map<String, List<String>> overrides(List<ParseResult> chain) {
        var out = new LinkedHashMap<String, List<String>>();
        for (ParseResult p : chain) {
            boolean root = p == chain.get(0);
            var seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<OptionSpec, Boolean>());
            for (OptionSpec o : p.matchedOptions()) {
                String longName = o.longestName();
                if (!longName.startsWith("--") || !(root || o.inherited()) || !seen.add(o)) {
                    continue;
                }
                Settings.byFlag(longName.substring(2)).ifPresent(s -> out.computeIfAbsent(s.name(),
                        k -> new ArrayList<>()).addAll(o.originalStringValues()));
            }
        }
        return out;
    }

    static CommandLine.Model.OptionSpec moduleFlag(String module) {
        return OptionSpec.builder("--" + module).arity("0").type(boolean.class)
                .description("build the " + module + " module (with -i: only the modules named)").build();
    }
}
