package kimg.vm;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.DriveLayout;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;

/**
 * Boots the guest: one virtiofsd per share, then QEMU; tears everything down whatever happens (no QEMU or
 * virtiofsd survives kimg, the socket directory is removed).
 */
public final class VmRunner {
    /** Printed by the guest's init after {@code kimg.cmd=} ran (the guest contract). */
    static final Pattern EXIT_STATUS = Pattern.compile("KIMG_EXIT_STATUS=(\\d+)");
    static final String PANIC = "Kernel panic - not syncing";

    private VmRunner() {}

    /** {@code kimg qemu}: the guest's serial console on this terminal; returns QEMU's exit status. */
    public static int qemu(Config config, Exec exec, BootInputs inputs) {
        Accelerator accel = accelerator(config, exec);
        prepareDrives(config, exec, inputs);
        try (var daemons = VirtiofsDaemons.allocate(inputs.shares())) {
            Cmd qemu = Cmd.of(QemuCommand.argv(config, inputs, accel, daemons.sockets(), List.of()));
            daemons.start(exec, VirtiofsdLocator.locate(exec, cacheRoot()));
            announceGdbStub(config, exec, inputs);
            exec.console().info("guest console: Ctrl-A x quits QEMU, Ctrl-A c its monitor");
            return exec.interactive("qemu", qemu);
        }
    }

    /** {@code kimg run -- CMD}: boots, runs CMD in the guest with the console on {@code out}, returns CMD's status. */
    public static int run(Config config, Exec exec, BootInputs inputs, List<String> command, PrintStream out) {
        if (command.isEmpty()) {
            throw ConfigError.usage("kimg run needs a command: kimg run -- COMMAND [ARGS...]");
        }
        Accelerator accel = accelerator(config, exec);
        prepareDrives(config, exec, inputs);
        try (var daemons = VirtiofsDaemons.allocate(inputs.shares())) {
            Cmd qemu = Cmd.of(QemuCommand.argv(config, inputs, accel, daemons.sockets(), command));
            daemons.start(exec, VirtiofsdLocator.locate(exec, cacheRoot()));
            announceGdbStub(config, exec, inputs);
            var console = new ConsoleWatch(out);
            Exec.Result result = exec.stream("qemu", qemu, null, console::accept);
            return console.verdict(result);
        }
    }

    /** {@code kimg gdb [-- GDB ARGS]}: attaches gdb to the stub of a guest started with QemuArgs=-s. */
    public static int gdb(Config config, Exec exec, BootInputs inputs, List<String> gdbArgs) {
        if (inputs.vmlinux() == null || !Files.isRegularFile(inputs.vmlinux())) {
            throw ConfigError.usage("kimg gdb needs the vmlinux of a kernel kimg built (BuildSources=SRC:kernel);"
                    + " this boot has none");
        }
        GdbStub gdb = GdbStub.from(config);
        return exec.interactive("gdb", GdbCommand.cmd(gdbBinary(config), inputs, gdb.port(), gdbArgs));
    }

    /** {@code kimg ssh [-- CMD]}: ssh into a guest started with Ssh=yes. */
    public static int ssh(Config config, Exec exec, BootInputs inputs, List<String> command) {
        Path key = Ssh.key(config, inputs);
        return exec.interactive("ssh", Cmd.of(Ssh.argv(config, key, command)));
    }

    /** Drives= backing files, and the fstests/blktests configs that name them, before QEMU starts. */
    private static void prepareDrives(Config config, Exec exec, BootInputs inputs) {
        DriveLayout layout = DriveLayout.of(config);
        DriveFiles.ensure(layout, DriveLayout.defaultDirectory(config), exec.console());
        TestSuiteConfigs.write(config, layout, inputs.root(), exec.console());
    }

    private static void announceGdbStub(Config config, Exec exec, BootInputs inputs) {
        GdbStub gdb = GdbStub.from(config);
        if (gdb.enabled()) {
            exec.console().info(gdb.attachHint(gdbBinary(config), inputs));
        }
    }

    /** gdb, or gdb-multiarch for a guest of another architecture than the host's. */
    public static String gdbBinary(Config config) {
        return config.architecture().gdb(kimg.config.Architecture.host());
    }

    private static Accelerator accelerator(Config config, Exec exec) {
        return Accelerator.choose(config, exec, cacheRoot());
    }

    /** Per-host answers (accelerator, virtiofsd flavour): ~/.cache/kimg. */
    private static Path cacheRoot() {
        return Accelerator.defaultCacheRoot(System.getenv());
    }

    /**
     * Follows the guest console of {@code kimg run}: prints each line (but the exit-status marker), and
     * remembers the command's status and whether the kernel panicked.
     */
    static final class ConsoleWatch {
        static final int TAIL_LINES = 30;
        private final PrintStream out;
        private Integer status;
        private boolean panicked;
        private final List<String> last = new ArrayList<>();

        ConsoleWatch(PrintStream out) {
            this.out = out;
        }

        void accept(String rawLine) {
            // The serial line ends with CR LF.
            String line = rawLine.replace("\r", "");
            if (line.contains(PANIC)) {
                panicked = true;
            }
            if (last.size() == TAIL_LINES) {
                last.remove(0);
            }
            last.add(line);
            if (status != null) {
                // The command is done; what follows is the guest powering off.
                return;
            }
            Matcher m = EXIT_STATUS.matcher(line);
            if (m.find()) {
                status = Integer.parseInt(m.group(1));
                line = line.substring(0, m.start()) + line.substring(m.end());
                if (line.isBlank()) {
                    return;
                }
            }
            out.println(line);
            out.flush();
        }

        /** The command's status; a guest that never reported one is a failed step with its last console lines. */
        int verdict(Exec.Result qemu) {
            if (status != null) {
                return status;
            }
            String why = panicked ? "the guest kernel panicked"
                    : "the guest stopped without reporting the command's exit status (QEMU exit " + qemu.exitStatus()
                            + ")";
            var lines = new ArrayList<String>();
            lines.add(why);
            lines.addAll(last);
            throw new StepFailed("qemu", qemu.log(), qemu.exitStatus() == 0 ? 1 : qemu.exitStatus(), lines);
        }
    }
}
