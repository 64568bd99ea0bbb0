package kimg.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import kimg.config.BuildOptions;
import kimg.config.ConfigError;
import kimg.verb.BuildVerb;
import kimg.verb.CatConfigVerb;
import kimg.verb.CleanVerb;
import kimg.verb.GdbVerb;
import kimg.verb.GenkeyVerb;
import kimg.verb.MatrixVerb;
import kimg.verb.PackageVerb;
import kimg.verb.QemuVerb;
import kimg.verb.RunVerb;
import kimg.verb.SshVerb;
import kimg.verb.SummaryVerb;
import kimg.verb.Verb;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Parameters;

/**
 * One small picocli class per verb, holding only its own options (the global ones are {@link Flags}). Each turns
 * the parse into the {@link Request} and then into the {@link Verb} of {@code kimg.verb} that does the work;
 * registering one is a line in {@link Cli#commandLine}.
 */
final class Verbs {
    private Verbs() {}

    /** A verb's picocli command: its options into the request, and the request into the verb. */
    interface VerbCommand {
        /**
         * {@code request} (the global options) with this verb's own options added.
         *
         * @param own         this verb's parse result (this object holds the values picocli set)
         * @param cwd         where kimg was started (relative paths resolve here)
         * @param moduleFlags the --MODULE flags the project has
         */
        default Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            return request;
        }

        /** The verb that does what {@code request} asks. */
        Verb verb(Request request);

        /** Whether -B (mkosi's --auto-bump) applies: the verb builds, boots or attaches to an image. */
        default boolean autoBumps() {
            return true;
        }
    }

    /** The build a boot verb runs first when one is needed: never -i, every module. */
    private static BuildOptions buildFirst(Request r) {
        return new BuildOptions(false, List.of(), r.kernelConfig(), r.force(), r.jobs());
    }

    @Command(name = "build", description = "Build the configured modules and the image (the default verb).", footer = {"", "Examples:", "  kimg -f build", "  kimg build -i --kernel"})
    static final class Build implements VerbCommand {
        @Option(names = {"-i", "--incremental"},
                description = "rebuild only the modules (all enabled ones, or those named), never the image")
        boolean incremental;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "kernel config to use")
        String kernelConfig;

        /** mkosi-kernel writes its module options after "--" (`build -- -i -k`); they are read the same way. */
        @Parameters(paramLabel = "-- OPTIONS", arity = "0..*", description = "the same options, after --")
        List<String> afterDashes;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            var options = new ArrayList<ParseResult>(List.of(own));
            if (afterDashes != null && !afterDashes.isEmpty()) {
                // mkosi-kernel's `build -- -i -k`: the module options may also follow "--".
                options.add(Cli.parseBuildOptions(afterDashes, moduleFlags));
            }
            boolean incremental = request.incremental();
            Path kernelConfig = null;
            List<String> modules = new ArrayList<>();
            for (ParseResult r : options) {
                Build opts = (Build) r.commandSpec().userObject();
                incremental |= opts.incremental;
                if (opts.kernelConfig != null) {
                    kernelConfig = Cli.kernelConfig(cwd, opts.kernelConfig);
                }
                modules.addAll(Cli.selectedModules(r, modules));
            }
            return request.withBuild(incremental, modules, kernelConfig);
        }

        @Override
        public Verb verb(Request r) {
            return new BuildVerb(r.buildOptions(), r.wipeBuildDirectory(), r.autoBump());
        }
    }

    @Command(name = "qemu", aliases = "vm",
            description = "Boot the image in QEMU (direct kernel boot, root on VirtioFS), console on this terminal.", footer = {"", "Examples:", "  kimg -f qemu", "  kimg --ram=4G qemu -- -device virtio-rng-pci"})
    static final class Qemu implements VerbCommand {
        @Option(names = "--no-build", description = "boot what the last build made, even when it is out of date")
        boolean noBuild;

        @Parameters(paramLabel = "QEMU-ARGS", arity = "0..*",
                description = "extra QEMU arguments (after --), appended after QemuArgs=")
        List<String> qemuArgs;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            if (qemuArgs != null && !qemuArgs.isEmpty()) {
                // mkosi's `vm -- ARGS`: appended to QEMU's command line, after QemuArgs= (and checked like them).
                var overrides = new LinkedHashMap<>(request.overrides());
                List<String> items = new ArrayList<>(overrides.getOrDefault("QemuArgs", List.of()));
                items.add(String.join(" ", qemuArgs.stream().map(Cli::shellQuote).toList()));
                overrides.put("QemuArgs", items);
                request = request.withOverrides(overrides);
            }
            return request.withCommand(List.of(), noBuild);
        }

        @Override
        public Verb verb(Request r) {
            return new QemuVerb(buildFirst(r), r.noBuild());
        }
    }

    @Command(name = "run", description = "Boot, run CMD in the guest as root, power off; exit with CMD's status (90 a kernel splat, 91 a panic, 124 RunTimeout=).", footer = {"", "Examples:", "  kimg run -- uname -r", "  kimg run --allow-warn --run-timeout=600 -- kselftest size"})
    static final class Run implements VerbCommand {
        @Option(names = "--no-build", description = "boot what the last build made, even when it is out of date")
        boolean noBuild;

        @Option(names = "--allow-warn", description = "a kernel WARNING is reported but does not fail the run"
                + " (AllowWarnings=yes)")
        boolean allowWarn;

        @Parameters(paramLabel = "CMD", arity = "0..*", description = "command and arguments (after --)")
        List<String> command;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            Request r = request.withCommand(command == null ? List.of() : command, noBuild);
            if (allowWarn) {
                // The flag is the setting's command-line spelling: it wins over AllowWarnings= in a file.
                var overrides = new java.util.LinkedHashMap<>(r.overrides());
                overrides.put("AllowWarnings", List.of("true"));
                r = r.withOverrides(overrides);
            }
            return r;
        }

        @Override
        public Verb verb(Request r) {
            return new RunVerb(buildFirst(r), r.noBuild(), r.command());
        }
    }

    @Command(name = "bisect", description = "Find the kernel commit that breaks CMD: git bisect in kimg's worktree,"
            + " each step built (reusing identities), booted and judged by CMD.", footer = {"", "Examples:",
            "  kimg bisect v6.1.100 v6.1.150 -- modprobe minix", "  kimg bisect base HEAD -- sh -c 'dmesg | grep -q ok'"})
    static final class Bisect implements VerbCommand {
        // Three positionals by index, not one multi-value one: picocli counts a multi-value positional's arity per
        // run of arguments, so `GOOD BAD -- true` (one word after --) failed its minimum. The verb's own check asks
        // for the command.
        @Parameters(index = "0", paramLabel = "GOOD", description = "a good ref (tag, branch, SHA)")
        String good;

        @Parameters(index = "1", paramLabel = "BAD", description = "a bad ref")
        String bad;

        @Parameters(index = "2..*", arity = "0..*", paramLabel = "CMD", description = "the guest command and its"
                + " arguments (after --): exit 0 good, 125 skip, other bad")
        List<String> command;

        @Override
        public Verb verb(Request r) {
            var args = new java.util.ArrayList<>(List.of(good, bad));
            if (command != null) {
                args.addAll(command);
            }
            return new kimg.verb.BisectVerb(r.configInput(), new BuildOptions(false, List.of(), r.kernelConfig(),
                    0, r.jobs()), args);
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "ssh", description = "Open an ssh session to the running guest (Ssh=yes).", footer = {"", "Examples:", "  kimg ssh", "  kimg ssh -- dmesg"})
    static final class Ssh implements VerbCommand {
        @Parameters(paramLabel = "CMD", arity = "0..*", description = "command to run instead of a shell")
        List<String> command;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            return request.withCommand(command == null ? List.of() : command, false);
        }

        @Override
        public Verb verb(Request r) {
            return new SshVerb(r.force(), r.command());
        }
    }

    @Command(name = "genkey", description = "Generate the project's SSH key pair (mkosi.key, mkosi.key.pub) if missing.", footer = {"", "Examples:", "  kimg genkey", "  kimg -C ~/project genkey"})
    static final class Genkey implements VerbCommand {
        @Override
        public Verb verb(Request r) {
            return new GenkeyVerb();
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "gdb", description = "Start gdb on the built vmlinux attached to the guest's gdb stub (QemuArgs=-s).", footer = {"", "Examples:", "  kimg gdb", "  kimg gdb -- -ex \"hbreak start_kernel\""})
    static final class Gdb implements VerbCommand {
        @Parameters(paramLabel = "GDB-ARGS", arity = "0..*", description = "extra gdb arguments (after --)")
        List<String> command;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            return request.withCommand(command == null ? List.of() : command, false);
        }

        @Override
        public Verb verb(Request r) {
            return new GdbVerb(r.force(), r.command());
        }
    }

    @Command(name = "summary", description = "Print the resolved configuration, each value with its origin.", footer = {"", "Examples:", "  kimg summary", "  kimg --distribution=fedora summary --json"})
    static final class Summary implements VerbCommand {
        @Option(names = "--json", description = "print JSON (keys are setting names)")
        boolean json;

        @Option(names = "--plan", description = "print what a build would do and why, and what is out of date")
        boolean plan;

        @Option(names = {"-i", "--incremental"}, description = "with --plan: the plan of build -i")
        boolean incremental;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "with --plan: the plan of build -c FILE")
        String kernelConfig;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            Path config = Cli.kernelConfig(cwd, kernelConfig);
            List<String> modules = Cli.selectedModules(own, List.of());
            if (!plan && (incremental || config != null || !modules.isEmpty())) {
                throw ConfigError.usage("summary: -i, -c and module flags only apply with --plan");
            }
            return request.withBuild(incremental, modules, config).withSummary(json, plan);
        }

        @Override
        public Verb verb(Request r) {
            return new SummaryVerb(r.buildOptions(), r.plan(), r.json());
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "package", description = "Build the kernel (when out of date), then signed RPMs/DEBs of it, its -devel"
            + " tree and out-of-tree modules.", footer = {"", "Examples:", "  kimg package",
            "  kimg --package-format=rpm package"})
    static final class Package implements VerbCommand {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "kernel config to use")
        String kernelConfig;

        @Override
        public Request withOwnOptions(Request request, ParseResult own, Path cwd, Set<String> moduleFlags) {
            return kernelConfig == null ? request
                    : request.withBuild(false, List.of(), Cli.kernelConfig(cwd, kernelConfig));
        }

        @Override
        public Verb verb(Request r) {
            return new PackageVerb(new BuildOptions(false, List.of(), r.kernelConfig(), r.force(), r.jobs()));
        }
    }

    @Command(name = "matrix", description = "Build and boot every combination of architecture, compiler and debug"
            + " kernel, run CMD in each, print one table.", footer = {"", "Examples:",
                    "  kimg matrix --arch=x86-64,arm64 --compiler=gcc,clang --debug-variants=no,yes -- uname -r",
                    "  kimg matrix --compiler=gcc,clang -- modprobe minix"})
    static final class Matrix implements VerbCommand {
        @Option(names = "--arch", split = ",", paramLabel = "ARCH,...", description = "architectures (default: x86-64)")
        List<String> architectures = List.of("x86-64");

        @Option(names = "--compiler", split = ",", paramLabel = "gcc,clang", description = "compilers (default: gcc)")
        List<String> compilers = List.of("gcc");

        @Option(names = "--debug-variants", split = ",", paramLabel = "no,yes",
                description = "plain and/or debug kernels (Debug=; default: no)")
        List<String> debugs = List.of("no");

        @Option(names = "--guests", paramLabel = "N",
                description = "cells booted at once, each beside the next build (default: cores / CPUs=)")
        Integer guests;

        @Parameters(paramLabel = "CMD", arity = "0..*", description = "command run in each guest (after --)")
        List<String> command;

        @Override
        public Verb verb(Request r) {
            return new MatrixVerb(r.configInput(), r.force(), r.jobs(), guests, r.debug(),
                    new kimg.matrix.Matrix.Options(architectures, compilers, debugs),
                    command == null ? List.of() : command);
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "cat-config", description = "Print the configuration files read, in order.", footer = {"", "Examples:", "  kimg cat-config", "  kimg -C ~/project cat-config"})
    static final class CatConfig implements VerbCommand {
        @Override
        public Verb verb(Request r) {
            return new CatConfigVerb();
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "clean", description = "Remove outputs (-f: also build directories; -ff: also caches).", footer = {"", "Examples:", "  kimg clean", "  kimg -ff clean"})
    static final class Clean implements VerbCommand {
        @Override
        public Verb verb(Request r) {
            return new CleanVerb(r.force());
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "kconfig", description = "Change the kernel config (menuconfig, nconfig or --set); the changes are"
            + " saved to mkosi.kernel.local.config, merged on every configure.", footer = {"", "Examples:",
                    "  kimg kconfig menuconfig", "  kimg kconfig --set CONFIG_BTRFS_FS=m --set CONFIG_KASAN=y"})
    static final class Kconfig implements VerbCommand {
        @Parameters(paramLabel = "FRONT-END", arity = "0..1", description = "menuconfig or nconfig (needs a terminal)")
        String frontEnd;

        @Option(names = "--set", paramLabel = "CONFIG_X=VALUE", description = "set one symbol (y, m, n, a number or a"
                + " \"string\"); repeatable")
        List<String> sets;

        @Override
        public Verb verb(Request r) {
            // kimg.kconfig.KconfigOptions reads these words: [FRONT-END] and/or [--set, CONFIG_X=V, ...].
            var words = new java.util.ArrayList<String>();
            if (frontEnd != null) {
                words.add(frontEnd);
            }
            if (sets != null) {
                words.add("--set");
                words.addAll(sets);
            }
            return new kimg.verb.KconfigVerb(words, new BuildOptions(false, List.of(), r.kernelConfig(), r.force(),
                    r.jobs()));
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "devtools", description = "Write compile_commands.json (and rust-project.json with CONFIG_RUST) in"
            + " the kernel build directory and print the clangd line that finds it.", footer = {"", "Examples:",
                    "  kimg devtools"})
    static final class Devtools implements VerbCommand {
        @Override
        public Verb verb(Request r) {
            return new kimg.verb.DevtoolsVerb(new BuildOptions(false, List.of(), r.kernelConfig(), r.force(),
                    r.jobs()));
        }

        @Override
        public boolean autoBumps() {
            return false;
        }
    }

    @Command(name = "completion", description = "Print the shell completion script (bash; zsh via bashcompinit).", footer = {"", "Examples:", "  kimg completion > /etc/bash_completion.d/kimg", "  source <(kimg completion)"})
    static final class Completion {}
}
