package kimg.vm;

import kimg.config.Settings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.exec.Cmd;

/** The kernel command line of a boot, as words (QEMU's -append joins them with blanks). */
public final class KernelCommandLine {
    public static final String GUEST_INIT = "/usr/lib/kimg/init";
    /** x86's COMMAND_LINE_SIZE: the kernel silently truncates anything longer. */
    public static final int MAX_LENGTH = 2047;

    private KernelCommandLine() {}

    /**
     * @param guestCommand the command for {@code kimg run} (empty: an interactive boot)
     * @param gdb          whether a gdb stub is asked for
     */
    public static List<String> words(Config config, BootInputs inputs, List<String> guestCommand, boolean gdb) {
        var words = new ArrayList<String>(List.of(
                "root=" + BootInputs.ROOT_TAG, "rootfstype=virtiofs", "rw",
                "console=" + config.architecture().qemu().console(), "init=" + GUEST_INIT));
        if (gdb) {
            // gdb resolves symbols at their link addresses; a randomised base would make every breakpoint miss.
            words.add("nokaslr");
        } else {
            // A panic ends QEMU (with -no-reboot) instead of hanging the console; under gdb, keep the corpse.
            words.add("panic=-1");
        }
        if (!guestCommand.isEmpty()) {
            // kimg run streams the console to stdout: keep the kernel's chatter out of the command's output, but
            // not its warnings: `quiet` (console loglevel 4) would hide KERN_WARNING, and with it every WARN()
            // splat the console watch looks for. A later loglevel= in KernelCommandLine(Extra)= overrides it.
            words.add("loglevel=5");
        }
        if (!inputs.mounts().isEmpty()) {
            words.add("kimg.mounts=" + inputs.mounts().stream()
                    .map(s -> s.tag() + ":" + s.guestPath() + (s.readOnly() ? ":ro" : ""))
                    .collect(Collectors.joining(",")));
        }
        words.addAll(config.items(Settings.KERNEL_COMMAND_LINE));
        words.addAll(config.items(Settings.KERNEL_COMMAND_LINE_EXTRA));
        if (!guestCommand.isEmpty()) {
            words.add("kimg.cmd=" + encode(guestCommand));
        }
        String line = String.join(" ", words);
        if (line.length() > MAX_LENGTH) {
            throw new ConfigError(null, "KernelCommandLineExtra", "the kernel command line is " + line.length()
                    + " bytes, more than the kernel's " + MAX_LENGTH + " (a long command for run? put it in a script)");
        }
        return words;
    }

    /** The guest command as one sh command line (each word quoted), base64 so it survives the command line. */
    static String encode(List<String> guestCommand) {
        String shell = guestCommand.stream().map(Cmd::quote).collect(Collectors.joining(" "));
        return Base64.getEncoder().encodeToString(shell.getBytes(StandardCharsets.UTF_8));
    }
}
