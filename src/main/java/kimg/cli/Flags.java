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
    /**
     * Setting flags that are not inherited by the verbs because a verb has an option of the same name: after
     * {@code build}, {@code -i/--incremental} is mkosi-kernel's "only the modules"; the Incremental= setting is
     * still {@code kimg --incremental=no build} (before the verb).
     */
    private static final java.util.Set<String> ROOT_ONLY = java.util.Set.of("incremental");

    private Flags() {}

    /**
     * The settings given on one command line, in the order given, whatever spelling ({@code --package},
     * {@code --packages}, {@code -p}) and whether before or after the verb: repeated list flags append and an
     * empty value resets, in that order (mkosi's rule).
     */
    static final class Given {
        private final Map<String, List<String>> values = new LinkedHashMap<>();

        void add(Setting<?> s, String value) {
            values.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(value);
        }

        Map<String, List<String>> values() {
            return values;
        }
    }

    static void addGlobal(CommandSpec spec, Given given) {
        spec.addOption(OptionSpec.builder("-C", "--directory").paramLabel("DIR").type(String.class)
                .scopeType(ScopeType.INHERIT).description("project directory (default: the current one)").build());
        spec.addOption(OptionSpec.builder("-f", "--force").type(boolean[].class).arity("0")
                .scopeType(ScopeType.INHERIT)
                .description("rebuild the image from the cache; -ff also drops the caches").build());
        spec.addOption(OptionSpec.builder("--debug").arity("0").type(boolean.class).scopeType(ScopeType.INHERIT)
                .description("show every command kimg runs and its output").build());
        spec.addOption(OptionSpec.builder("-j", "--jobs").paramLabel("auto|auto+1|N").type(String.class)
                .scopeType(ScopeType.INHERIT).description("parallel build jobs (default: auto)").build());
        spec.addOption(OptionSpec.builder("-R", "--rerun-build-scripts").arity("0").type(boolean.class)
                .scopeType(ScopeType.INHERIT)
                .description("run the build scripts again without rebuilding the image (like build -i)").build());
        spec.addOption(OptionSpec.builder("-w", "--wipe-build-dir").arity("0").type(boolean.class)
                .scopeType(ScopeType.INHERIT)
                .description("remove the build directories before building (a clean out-of-tree build)").build());
        spec.addOption(OptionSpec.builder("-B", "--auto-bump").arity("0").type(boolean.class)
                .scopeType(ScopeType.INHERIT)
                .description("build the next ImageVersion= (mkosi.version's last number + 1) and write it to"
                        + " mkosi.version after a successful build").build());
        for (Setting<?> s : Settings.all()) {
            // The row's own --kebab-case name, mkosi's spellings and old names, and its short flag.
            var names = new ArrayList<String>();
            if (s.shortFlag() != null) {
                names.add(s.shortFlag());
            }
            // Debug='s own --debug is kimg's verbose output (a global flag): the setting keeps --debug-kernel.
            s.allLongFlags().stream().filter(l -> spec.findOption("--" + l) == null).forEach(l -> names.add("--" + l));
            spec.addOption(OptionSpec.builder(names.toArray(String[]::new)).paramLabel(s.list() ? "ITEMS" : "VALUE")
                    .type(String.class).arity("1").parameterConsumer(consumer(s, given))
                    .scopeType(ROOT_ONLY.contains(s.flag()) ? ScopeType.LOCAL : ScopeType.INHERIT)
                    .description(("[" + s.section() + "] " + s.name() + "=: " + s.help()).replace("%", "%%")).build());
        }
    }

    /**
     * Takes the next argument as the setting's value, even when it starts with '-' ({@code --qemu-args=-s},
     * {@code --qemu-args '-device virtio-rng-pci'}): a config value is never read as a kimg option. Only a missing
     * value, or a verb name where the value should be, is an error.
     */
    private static CommandLine.IParameterConsumer consumer(Setting<?> s, Given given) {
        return (args, argSpec, commandSpec) -> {
            String flag = "--" + s.flag();
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "Missing required parameter for option '" + flag + "' (" + s.name() + "=)");
            }
            String value = args.peek();
            // `kimg --ram summary`: a verb where a value belongs is a forgotten value, unless the verb's name is
            // a fine value for the setting (`-p gdb` installs gdb).
            if (commandSpec.root().subcommands().containsKey(value) && !accepts(s, value)) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "Expected parameter for option '" + flag + "' but found the verb '" + value + "'");
            }
            given.add(s, args.pop());
        };
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

    private static boolean accepts(Setting<?> s, String value) {
        try {
            s.parser().parse(value, kimg.config.Origin.COMMAND_LINE, s.name());
            return true;
        } catch (kimg.config.ConfigError e) {
            return false;
        }
    }

    /** The settings-table row an option stands for, by any of its long names. */
    static java.util.Optional<Setting<?>> settingOf(OptionSpec o) {
        for (String n : o.names()) {
            if (n.startsWith("--")) {
                var s = Settings.byFlag(n.substring(2));
                if (s.isPresent()) {
                    return s;
                }
            }
        }
        return java.util.Optional.empty();
    }

    static CommandLine.Model.OptionSpec moduleFlag(String module) {
        // mkosi-kernel's -k is --kernel.
        String[] names = module.equals("kernel") ? new String[] {"-k", "--kernel"} : new String[] {"--" + module};
        return OptionSpec.builder(names).arity("0").type(boolean.class)
                .description("build the " + module + " module (with -i: only the modules named)").build();
    }
}
