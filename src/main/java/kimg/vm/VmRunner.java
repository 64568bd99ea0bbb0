package kimg.vm;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.DriveLayout;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KernelDebug;

/**
 * Boots the guest: one virtiofsd per share, then QEMU; tears everything down whatever happens (no QEMU or
 * virtiofsd survives kimg, the socket directory is removed).
 */
public final class VmRunner {
    /** Printed by the guest's init after {@code kimg.cmd=} ran (the guest contract). */
    static final Pattern EXIT_STATUS = Pattern.compile("KIMG_EXIT_STATUS=(\\d+)");

    private VmRunner() {}

    /**
     * {@code kimg qemu}: the guest's serial console on this terminal; returns QEMU's exit status. QEMU also logs the
     * console to the run's log directory, which {@link LiveSplatWatch} follows: each splat is decoded, saved and
     * named as soon as it ends, while the session goes on, and all of them are named again when the guest is gone.
     */
    public static int qemu(Config config, Exec exec, BootInputs inputs) {
        Accelerator accel = accelerator(config, exec);
        prepareDrives(config, exec, inputs);
        try (var daemons = VirtiofsDaemons.allocate(inputs.shares())) {
            Path consoleLog = exec.logs().newLog("console");
            Cmd qemu = Cmd.of(QemuCommand.argv(config, inputs, accel, daemons.sockets(), List.of(), consoleLog));
            daemons.start(exec, VirtiofsdLocator.locate(exec, cacheRoot()));
            announceGdbStub(config, exec, inputs);
            exec.console().info("guest console: Ctrl-A x quits QEMU, Ctrl-A c its monitor; kernel splats are decoded"
                    + " as they happen (one 'kimg: splat:' line each)");
            int status;
            List<SplatTriage.Triaged> triaged;
            try (var watch = LiveSplatWatch.start(consoleLog, inputs, exec)) {
                status = exec.interactive("qemu", qemu);
                triaged = watch.finish();
            }
            // Again once the console is gone: the live lines may have scrolled away.
            for (SplatTriage.Triaged t : triaged) {
                exec.console().warn(t.summary() + " (" + t.file() + ")");
            }
            return status;
        }
    }

    /**
     * {@code kimg run -- CMD}: boots, runs CMD in the guest with the console on {@code out}, watches the console for
     * kernel splats and decodes them (the decoded reports follow the console on {@code out}, one summary line each
     * goes to kimg's console). RunTimeout= stops the guest after that many seconds.
     */
    public static GuestRun run(Config config, Exec exec, BootInputs inputs, List<String> command, PrintStream out) {
        if (command.isEmpty()) {
            throw ConfigError.usage("kimg run needs a command: kimg run -- COMMAND [ARGS...]");
        }
        Accelerator accel = accelerator(config, exec);
        prepareDrives(config, exec, inputs);
        Duration timeout = KernelDebug.runTimeout(config).orElse(null);
        if (timeout != null && KernelDebug.wanted(config)) {
            exec.console().info("debug kernel: RunTimeout=" + config.get(Settings.RUN_TIMEOUT) + " counts "
                    + KernelDebug.TIMEOUT_FACTOR + " times (" + timeout.toSeconds() + " s)");
        }
        try (var daemons = VirtiofsDaemons.allocate(inputs.shares())) {
            Cmd qemu = Cmd.of(QemuCommand.argv(config, inputs, accel, daemons.sockets(), command));
            daemons.start(exec, VirtiofsdLocator.locate(exec, cacheRoot()));
            announceGdbStub(config, exec, inputs);
            var console = new ConsoleWatch(out);
            Exec.Result result = exec.stream("qemu", qemu, timeout, console::accept);
            List<Splat> splats = console.splats();
            List<SplatTriage.Triaged> triaged = SplatTriage.triage(splats, inputs, exec);
            for (SplatTriage.Triaged t : triaged) {
                out.println("kimg: " + t.summary() + ", decoded:");
                t.decoded().forEach(out::println);
                exec.console().warn(t.summary() + " (" + t.file() + ")");
            }
            if (splats.size() > triaged.size()) {
                exec.console().warn((splats.size() - triaged.size()) + " more splats, not decoded (see the qemu log: "
                        + result.log() + ")");
            }
            out.flush();
            boolean timedOut = timeout != null && console.status() == null && result.took().compareTo(timeout) >= 0;
            if (console.status() == null) {
                console.stall().ifPresent(advice -> exec.console().warn("the guest never ran the command: " + advice));
            }
            return new GuestRun(console.status(), splats, triaged, timedOut, result, console.lastLines());
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
     * Follows the guest console of {@code kimg run}: prints each line (but the exit-status marker), remembers the
     * command's status and the console's last lines, and hands every line to a {@link SplatDetector}.
     */
    static final class ConsoleWatch {
        static final int TAIL_LINES = 30;
        private final PrintStream out;
        private final SplatDetector splats = new SplatDetector();
        private Integer status;
        private final List<String> last = new ArrayList<>();
        private String stall;

        ConsoleWatch(PrintStream out) {
            this.out = out;
        }

        void accept(String rawLine) {
            // The serial line ends with CR LF.
            String line = rawLine.replace("\r", "");
            splats.accept(line);
            if (stall == null) {
                stall = BootStall.diagnose(line).orElse(null);
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

        /** The command's status; null until (unless) the guest reported it. */
        Integer status() {
            return status;
        }

        /** Every splat seen; call once the console has ended. */
        List<Splat> splats() {
            return splats.finish();
        }

        List<String> lastLines() {
            return List.copyOf(last);
        }

        /** Why the guest probably stalled ({@link BootStall}), from the first line that showed it. */
        java.util.Optional<String> stall() {
            return java.util.Optional.ofNullable(stall);
        }
    }
}
