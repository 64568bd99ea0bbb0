package kimg.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import kimg.config.ConfigError;
import kimg.config.Jobs;
import kimg.config.ModuleScan;
import kimg.config.Request;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/** argv → {@link Request}. Help, version and the completion script are answered here; nothing else is done. */
public final class Cli {
    /** Either a request to carry out, or an exit status when the command line was answered already. */
    public record Parsed(Request request, Integer exitStatus) {}

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
        CommandLine root = new CommandLine(new Root());
        Flags.addGlobal(root.getCommandSpec());
        CommandLine build = new CommandLine(new Verbs.Build());
        for (String m : modules) {
            build.getCommandSpec().addOption(Flags.moduleFlag(m));
        }
        root.addSubcommand("build", build);
        root.addSubcommand("qemu", new Verbs.Qemu(), "vm");
        root.addSubcommand("run", new Verbs.Run());
        root.addSubcommand("ssh", new Verbs.Ssh());
        root.addSubcommand("gdb", new Verbs.Gdb());
        root.addSubcommand("genkey", new Verbs.Genkey());
        // summary --plan shows what a build with the same options would do: it takes build's options too.
        CommandLine summary = new CommandLine(new Verbs.Summary());
        for (String m : modules) {
            summary.getCommandSpec().addOption(Flags.moduleFlag(m));
        }
        root.addSubcommand("summary", summary);
        root.addSubcommand("cat-config", new Verbs.CatConfig());
        root.addSubcommand("clean", new Verbs.Clean());
        root.addSubcommand("completion", new Verbs.Completion());
        // `kimg build --help` must work like `kimg --help`: every verb gets -h/--help (and -V/--version).
        root.getSubcommands().values().stream().distinct()
                .forEach(verb -> verb.getCommandSpec().mixinStandardHelpOptions(true));
        root.setCaseInsensitiveEnumValuesAllowed(true);
        // Every setting is a flag: a full synopsis would be forty lines, the option list says it all.
        root.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        root.getSubcommands().values().forEach(c -> c.getCommandSpec().usageMessage().abbreviateSynopsis(true));
        return root;
    }

    public static Parsed parse(String[] args, Path cwd, PrintStream out, PrintStream err) {
        Path project = projectDirectory(args, cwd);
        // --kernel always exists: the kernel builder is built in, a `:kernel` source is enough (ModuleSelection).
        Set<String> moduleFlags = new java.util.LinkedHashSet<>(List.of("kernel"));
        if (Files.isDirectory(project)) {
            moduleFlags.addAll(ModuleScan.names(project));
        }
        CommandLine cl = commandLine(moduleFlags);
        ParseResult pr;
        try {
            pr = cl.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            // One line, like every other usage error (scripts and tests read the first line).
            err.println("kimg: error: " + e.getMessage() + " (try 'kimg --help' or 'kimg <verb> --help')");
            return new Parsed(null, ExitCode.USAGE.code);
        }
        List<ParseResult> chain = Flags.chain(pr);
        for (ParseResult p : chain) {
            if (p.isUsageHelpRequested()) {
                p.commandSpec().commandLine().usage(out);
                return new Parsed(null, 0);
            }
            if (p.isVersionHelpRequested()) {
                p.commandSpec().commandLine().printVersionHelp(out);
                return new Parsed(null, 0);
            }
        }
        ParseResult verbResult = chain.size() > 1 ? chain.get(1) : null;
        String verb = verbResult == null ? "build" : verbResult.commandSpec().name();
        if (verb.equals("completion")) {
            out.print(AutoComplete.bash("kimg", cl));
            out.flush();
            return new Parsed(null, 0);
        }
        String dir = Flags.string(chain, "-C", null);
        Path directory = dir == null ? cwd : cwd.resolve(dir).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw ConfigError.usage("invalid value for option '-C': not a directory: " + directory);
        }
        int jobs = Jobs.parse(Flags.string(chain, "-j", "auto"), Runtime.getRuntime().availableProcessors());

        boolean incremental = false;
        Path kernelConfig = null;
        List<String> modules = new ArrayList<>();
        List<String> command = List.of();
        boolean json = false;
        boolean plan = false;
        boolean noBuild = false;
        if (verbResult != null) {
            Object user = verbResult.commandSpec().userObject();
            if (user instanceof Verbs.Build b) {
                incremental = b.incremental;
                kernelConfig = kernelConfig(cwd, b.kernelConfig);
                modules = moduleFlags(verbResult, Set.of("--incremental", "--config", "--help", "--version"));
            } else if (user instanceof Verbs.Run r) {
                command = r.command == null ? List.of() : r.command;
                noBuild = r.noBuild;
            } else if (user instanceof Verbs.Qemu q) {
                noBuild = q.noBuild;
            } else if (user instanceof Verbs.Gdb g) {
                command = g.command == null ? List.of() : g.command;
            } else if (user instanceof Verbs.Ssh s) {
                command = s.command == null ? List.of() : s.command;
            } else if (user instanceof Verbs.Summary s) {
                json = s.json;
                plan = s.plan;
                incremental = s.incremental;
                kernelConfig = kernelConfig(cwd, s.kernelConfig);
                modules = moduleFlags(verbResult,
                        Set.of("--incremental", "--config", "--json", "--plan", "--help", "--version"));
                if (!plan && (incremental || kernelConfig != null || !modules.isEmpty())) {
                    throw ConfigError.usage("summary: -i, -c and module flags only apply with --plan");
                }
            }
        }
        Request request = new Request(verb, directory, cwd, Flags.overrides(chain), Flags.count(chain, "-f"),
                incremental, modules, kernelConfig, jobs, json, Flags.flag(chain, "--debug"), command, plan, noBuild);
        return new Parsed(request, null);
    }

    /** -c FILE resolved against where kimg was started; it must exist. */
    private static Path kernelConfig(Path cwd, String given) {
        if (given == null) {
            return null;
        }
        Path file = cwd.resolve(given).toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            throw ConfigError.usage("invalid value for option '--config': no such file: " + file);
        }
        return file;
    }

    /** The --<module> flags given to a verb: its matched options that are neither inherited nor its own. */
    private static List<String> moduleFlags(ParseResult verbResult, Set<String> ownOptions) {
        var modules = new ArrayList<String>();
        for (CommandLine.Model.OptionSpec o : verbResult.matchedOptions()) {
            String n = o.longestName();
            if (!o.inherited() && !ownOptions.contains(n) && !modules.contains(n.substring(2))) {
                modules.add(n.substring(2));
            }
        }
        return modules;
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
