package kimg.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One small class per verb. They hold only their own options; {@link Cli} turns the parse result into a
 * {@link kimg.config.Request} and the pipeline does the work.
 */
final class Verbs {
    private Verbs() {}

    @Command(name = "build", description = "Build the configured modules and the image (the default verb).", footer = {"", "Examples:", "  kimg -f build", "  kimg build -i --kernel"})
    static final class Build {
        @Option(names = {"-i", "--incremental"},
                description = "rebuild only the modules (all enabled ones, or those named), never the image")
        boolean incremental;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "kernel config to use")
        String kernelConfig;

        /** mkosi-kernel writes its module options after "--" (`build -- -i -k`); they are read the same way. */
        @Parameters(paramLabel = "-- OPTIONS", arity = "0..*", description = "the same options, after --")
        List<String> afterDashes;
    }

    @Command(name = "qemu", aliases = "vm",
            description = "Boot the image in QEMU (direct kernel boot, root on VirtioFS), console on this terminal.", footer = {"", "Examples:", "  kimg -f qemu", "  kimg --ram=4G qemu -- -device virtio-rng-pci"})
    static final class Qemu {
        @Option(names = "--no-build", description = "boot what the last build made, even when it is out of date")
        boolean noBuild;

        @Parameters(paramLabel = "QEMU-ARGS", arity = "0..*",
                description = "extra QEMU arguments (after --), appended after QemuArgs=")
        List<String> qemuArgs;
    }

    @Command(name = "run", description = "Boot, run CMD in the guest as root, power off; exit with CMD's status.", footer = {"", "Examples:", "  kimg run -- uname -r", "  kimg run -- modprobe minix"})
    static final class Run {
        @Option(names = "--no-build", description = "boot what the last build made, even when it is out of date")
        boolean noBuild;

        @Parameters(paramLabel = "CMD", arity = "0..*", description = "command and arguments (after --)")
        List<String> command;
    }

    @Command(name = "bisect", description = "Find the kernel commit that breaks CMD: git bisect in kimg's worktree,"
            + " each step built (reusing identities), booted and judged by CMD.", footer = {"", "Examples:",
            "  kimg bisect v6.1.100 v6.1.150 -- modprobe minix", "  kimg bisect base HEAD -- sh -c 'dmesg | grep -q ok'"})
    static final class Bisect {
        @Parameters(paramLabel = "GOOD BAD CMD", arity = "3..*", description = "a good ref, a bad ref, then the guest"
                + " command and its arguments (after --): exit 0 good, 125 skip, other bad")
        List<String> args;
    }

    @Command(name = "ssh", description = "Open an ssh session to the running guest (Ssh=yes).", footer = {"", "Examples:", "  kimg ssh", "  kimg ssh -- dmesg"})
    static final class Ssh {
        @Parameters(paramLabel = "CMD", arity = "0..*", description = "command to run instead of a shell")
        List<String> command;
    }

    @Command(name = "genkey", description = "Generate the project's SSH key pair (mkosi.key, mkosi.key.pub) if missing.", footer = {"", "Examples:", "  kimg genkey", "  kimg -C ~/project genkey"})
    static final class Genkey {}

    @Command(name = "gdb", description = "Start gdb on the built vmlinux attached to the guest's gdb stub (QemuArgs=-s).", footer = {"", "Examples:", "  kimg gdb", "  kimg gdb -- -ex \"hbreak start_kernel\""})
    static final class Gdb {
        @Parameters(paramLabel = "GDB-ARGS", arity = "0..*", description = "extra gdb arguments (after --)")
        List<String> command;
    }

    @Command(name = "summary", description = "Print the resolved configuration, each value with its origin.", footer = {"", "Examples:", "  kimg summary", "  kimg --distribution=fedora summary --json"})
    static final class Summary {
        @Option(names = "--json", description = "print JSON (keys are setting names)")
        boolean json;

        @Option(names = "--plan", description = "print what a build would do and why, and what is out of date")
        boolean plan;

        @Option(names = {"-i", "--incremental"}, description = "with --plan: the plan of build -i")
        boolean incremental;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "with --plan: the plan of build -c FILE")
        String kernelConfig;
    }

    @Command(name = "cat-config", description = "Print the configuration files read, in order.", footer = {"", "Examples:", "  kimg cat-config", "  kimg -C ~/project cat-config"})
    static final class CatConfig {}

    @Command(name = "clean", description = "Remove outputs (-f: also build directories; -ff: also caches).", footer = {"", "Examples:", "  kimg clean", "  kimg -ff clean"})
    static final class Clean {}

    @Command(name = "completion", description = "Print the shell completion script (bash; zsh via bashcompinit).", footer = {"", "Examples:", "  kimg completion > /etc/bash_completion.d/kimg", "  source <(kimg completion)"})
    static final class Completion {}
}
