package kimg.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import kimg.config.ConfigError;
import kimg.config.ImageVersions;
import kimg.config.Jobs;
import kimg.config.ModuleScan;
import kimg.verb.Verb;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * argv → {@link Request} and the {@link Verb} that carries it out. Help, version and the completion script are
 * answered here; nothing else is done.
 */
public final class Cli {
    /**
     * Either a request and the verb that carries it out, or an exit status when the command line was answered
     * already (help, version, the completion script).
     */
    public record Parsed(Request request, Verb verb, Integer exitStatus) {}

    @Command(name = "kimg", mixinStandardHelpOptions = true, version = "kimg 0.1.0",
            description = {"Build a kernel and the modules of an mkosi-style project out of tree, assemble a"
                    + " distribution image and boot it in QEMU.", ""},
            footer = {"", "Settings can also be given in mkosi.conf, mkosi.conf.d/, mkosi.local.conf and Include=d"
                    + " modules; the command line wins.", "Exit status: 0 ok, 1 a step failed, 2 bad usage or"
                    + " configuration (run: the guest command's status)."})
    static final class Root {}

    private Cli() {}

    /** The full command model; {@code modules} become {@code --<module>} flags of {@code build}. */
    public static CommandLine commandLine(Set<String> modules) {
        return commandLine(modules, new Flags.Given());
    }

    private static CommandLine commandLine(Set<String> modules, Flags.Given given) {
        CommandLine root = new CommandLine(new Root());
        Flags.addGlobal(root.getCommandSpec(), given);
        CommandLine build = new CommandLine(new Verbs.Build());
        for (String m : modules) {
            build.getCommandSpec().addOption(Flags.moduleFlag(m));
        }
        root.addSubcommand("build", build);
        root.addSubcommand("qemu", new Verbs.Qemu(), "vm");
        root.addSubcommand("run", new Verbs.Run());
        root.addSubcommand("bisect", new Verbs.Bisect());
        root.addSubcommand("ssh", new Verbs.Ssh());
        root.addSubcommand("gdb", new Verbs.Gdb());
        root.addSubcommand("genkey", new Verbs.Genkey());
        root.addSubcommand("package", new Verbs.Package());
        // summary --plan shows what a build with the same options would do: it takes build's options too.
        CommandLine summary = new CommandLine(new Verbs.Summary());
        for (String m : modules) {
            summary.getCommandSpec().addOption(Flags.moduleFlag(m));
        }
        root.addSubcommand("summary", summary);
        root.addSubcommand("matrix", new Verbs.Matrix());
        root.addSubcommand("cat-config", new Verbs.CatConfig());
        root.addSubcommand("clean", new Verbs.Clean());
        root.addSubcommand("kconfig", new Verbs.Kconfig());
        root.addSubcommand("devtools", new Verbs.Devtools());
        root.addSubcommand("completion", new Verbs.Completion());
        // `kimg build --help` must work like `kimg --help`: every verb gets -h/--help (and -V/--version).
        root.getSubcommands().values().stream().distinct()
                .forEach(verb -> verb.getCommandSpec().mixinStandardHelpOptions(true));
        root.setCaseInsensitiveEnumValuesAllowed(true);
        // Every setting is a flag: a full synopsis would be forty lines, the option list says it all.
        root.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        root.getSubcommands().values().forEach(c -> c.getCommandSpec().usageMessage().abbreviateSynopsis(true));
        HelpLayout.install(root);
        return root;
    }

    public static Parsed parse(String[] args, Path cwd, PrintStream out, PrintStream err) {
        Path project = projectDirectory(args, cwd);
        // --kernel always exists: the kernel builder is built in, a `:kernel` source is enough (ModuleSelection).
        Set<String> moduleFlags = new java.util.LinkedHashSet<>(List.of("kernel"));
        if (Files.isDirectory(project)) {
            moduleFlags.addAll(ModuleScan.names(project));
        }
        var given = new Flags.Given();
        CommandLine cl = commandLine(moduleFlags, given);
        ParseResult pr;
        try {
            pr = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            // One line, like every other usage error (scripts and tests read the first line).
            err.println("kimg: error: " + e.getMessage() + didYouMean(e)
                    + " (try 'kimg --help' or 'kimg <verb> --help')");
            return new Parsed(null, null, ExitCode.USAGE.code);
        }
        List<ParseResult> chain = Flags.chain(pr);
        for (ParseResult p : chain) {
            if (p.isUsageHelpRequested()) {
                p.commandSpec().commandLine().usage(out);
                return new Parsed(null, null, 0);
            }
            if (p.isVersionHelpRequested()) {
                p.commandSpec().commandLine().printVersionHelp(out);
                return new Parsed(null, null, 0);
            }
        }
        ParseResult verbResult = chain.size() > 1 ? chain.get(1) : null;
        Object user = verbResult == null ? new Verbs.Build() : verbResult.commandSpec().userObject();
        if (user instanceof Verbs.Completion) {
            out.print(AutoComplete.bash("kimg", cl));
            out.flush();
            return new Parsed(null, null, 0);
        }
        Verbs.VerbCommand command = (Verbs.VerbCommand) user;
        String verb = verbResult == null ? "build" : verbResult.commandSpec().name();
        String dir = Flags.string(chain, "-C", null);
        Path directory = dir == null ? cwd : cwd.resolve(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw ConfigError.usage("invalid value for option '-C': not a directory: " + directory);
        }
        int jobs = Jobs.parse(Flags.string(chain, "-j", "auto"), Runtime.getRuntime().availableProcessors());
        // -R (mkosi's --rerun-build-scripts): run the build scripts again without rebuilding the image, i.e. -i.
        boolean incremental = Flags.flag(chain, "-R");
        Request request = new Request(verb, directory, cwd, given.values(), Flags.count(chain, "-f"), incremental,
                List.of(), null, jobs, false, Flags.flag(chain, "--debug"), List.of(), Flags.flag(chain, "-w"),
                false, false, false);
        if (verbResult != null) {
            request = command.withOwnOptions(request, verbResult, cwd, moduleFlags);
        }
        // -B (mkosi's --auto-bump): build with the next version; a successful build writes it to mkosi.version.
        if (Flags.flag(chain, "-B") && command.autoBumps() && !request.overrides().containsKey("ImageVersion")) {
            var overrides = new LinkedHashMap<>(request.overrides());
            overrides.put("ImageVersion", List.of(ImageVersions.bump(directory)));
            request = request.withAutoBump(overrides);
        }
        return new Parsed(request, command.verb(request), null);
    }

    /** -c FILE resolved against where kimg was started; it must exist. */
    static Path kernelConfig(Path cwd, String given) {
        if (given == null) {
            return null;
        }
        if (given.isBlank()) {
            throw ConfigError.usage("invalid value for option '--config': empty (give a kernel config FILE)");
        }
        Path file = cwd.resolve(given).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw ConfigError.usage("invalid value for option '--config': no such file: " + file);
        }
        return file;
    }

    /** picocli's nearest verbs or options for a typo ({@code biuld}, {@code --pakages}), as " (did you mean ...?)". */
    static String didYouMean(CommandLine.ParameterException e) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException u) || u.getSuggestions().isEmpty()) {
            return "";
        }
        List<String> s = u.getSuggestions();
        return " (did you mean " + String.join(" or ", s.subList(0, Math.min(3, s.size()))) + "?)";
    }

    /** The --MODULE flags given to build (its own options besides -i, -c, -h and -V), in order, once each. */
    static List<String> selectedModules(ParseResult build, List<String> already) {
        Set<String> ownOptions = Set.of("--incremental", "--config", "--json", "--plan", "--help", "--version");
        var out = new ArrayList<String>();
        for (CommandLine.Model.OptionSpec o : build.matchedOptions()) {
            String n = o.longestName();
            if (!o.inherited() && !ownOptions.contains(n) && !already.contains(n.substring(2))
                    && !out.contains(n.substring(2))) {
                out.add(n.substring(2));
            }
        }
        return out;
    }

    /** The words after {@code build --}, read as build's own options (-i, -c FILE, --MODULE, -k). */
    static ParseResult parseBuildOptions(List<String> words, Set<String> moduleFlags) {
        CommandLine build = new CommandLine(new Verbs.Build());
        moduleFlags.forEach(m -> build.getCommandSpec().addOption(Flags.moduleFlag(m)));
        ParseResult r;
        try {
            r = build.parseArgs(words.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw ConfigError.usage("build -- " + String.join(" ", words) + ": " + e.getMessage());
        }
        List<String> rest = ((Verbs.Build) r.commandSpec().userObject()).afterDashes;
        if (rest != null && !rest.isEmpty()) {
            throw ConfigError.usage("build --: unknown build option(s) " + String.join(" ", rest)
                    + " (after --: -i, -c FILE, -k/--kernel and --MODULE)");
        }
        return r;
    }

    /** One word quoted so that QemuArgs='s shell-like split gives it back unchanged. */
    static String shellQuote(String word) {
        return word.matches("[A-Za-z0-9_@%+=:,./-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** -C as given in argv, found before picocli runs (module flags depend on the project). */
    static Path projectDirectory(String[] args, Path cwd) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                break;
            }
            String v = null;
            if ((a.equals("-C") || a.equals("--directory")) && i + 1 < args.length) {
                v = args[i + 1];
            } else if (a.startsWith("--directory=")) {
                v = a.substring("--directory=".length());
            } else if (a.startsWith("-C") && a.length() > 2) {
                v = a.substring(2);
            }
            if (v != null) {
                return cwd.resolve(v).toAbsolutePath().normalize();
            }
        }
        return cwd;
    }
}
