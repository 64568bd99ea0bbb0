package kimg.vm;

import kimg.config.Settings;
import java.util.ArrayList;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigError;

/**
 * QEMU's gdb stub as asked for in QemuArgs=: {@code -s} (a stub on port 1234 of every address) becomes
 * {@code -gdb tcp:127.0.0.1:<GdbPort>}, so a guest kernel is never debuggable from the network; {@code -S}
 * (start with the CPUs stopped) is kept.
 *
 * @param enabled      {@code -s} was given
 * @param stopped      {@code -S} was given: the guest waits for gdb's {@code continue}
 * @param port         GdbPort=
 * @param otherArgs    QemuArgs= without {@code -s} and {@code -S}, in order
 */
public record GdbStub(boolean enabled, boolean stopped, int port, List<String> otherArgs) {
    public static final String HOST = "127.0.0.1";

    public GdbStub {
        otherArgs = List.copyOf(otherArgs);
    }

    /** @throws ConfigError when QemuArgs= would listen off loopback ({@link QemuListeners}) */
    public static GdbStub from(Config config) {
        QemuListeners.check(config);
        boolean enabled = false;
        boolean stopped = false;
        var others = new ArrayList<String>();
        List<String> args = config.items(Settings.QEMU_ARGS);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "-s" -> enabled = true;
                case "-S" -> stopped = true;
                default -> others.add(arg);
            }
        }
        return new GdbStub(enabled, stopped, config.get(Settings.GDB_PORT), others);
    }

    /** QEMU's arguments for the stub (none when not asked for); -S alone is honoured too. */
    public List<String> qemuArgs() {
        var out = new ArrayList<String>();
        if (enabled) {
            out.add("-gdb");
            out.add("tcp:" + HOST + ":" + port);
        }
        if (stopped) {
            out.add("-S");
        }
        return out;
    }

    /** What to tell the user once QEMU runs. */
    public String attachHint(String gdb, BootInputs inputs) {
        String how = inputs.vmlinux() == null
                ? gdb + " -ex 'target remote " + HOST + ":" + port + "'"
                : "kimg gdb   (or: " + String.join(" ", GdbCommand.displayArgv(gdb, inputs, port)) + ")";
        return "gdb stub on " + HOST + ":" + port + (stopped ? ", guest stopped until gdb continues" : "")
                + "; attach with: " + how;
    }
}
