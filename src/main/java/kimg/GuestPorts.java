package kimg;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.config.Settings;
import kimg.config.Origin;
import kimg.config.Value;
import kimg.ui.Console;
import kimg.vm.GdbStub;

/**
 * The host ports a guest listens on (127.0.0.1): SshPort= when Ssh=yes, GdbPort= with QemuArgs=-s. Guests of two
 * projects would otherwise collide on the defaults; a port in use is replaced by a free one, printed, and written
 * into the guest's lock record ({@code ports ssh=N gdb=N}), where {@code kimg ssh} and {@code kimg gdb} find it.
 */
public final class GuestPorts {
    private static final Pattern RECORDED = Pattern.compile("\\b(ssh|gdb)=(\\d+)\\b");

    private GuestPorts() {}

    /** {@code config} with each port the guest needs free on 127.0.0.1 (the same when they are). */
    public static Config choose(Config config, Console console) {
        var chosen = new LinkedHashMap<Setting<Integer>, Integer>();
        if (config.sshAtRuntime()) {
            chosen.put(Settings.SSH_PORT, free(config, Settings.SSH_PORT, console));
        }
        if (GdbStub.from(config).enabled()) {
            chosen.put(Settings.GDB_PORT, free(config, Settings.GDB_PORT, console));
        }
        return with(config, chosen);
    }

    /** The words for the lock record: "ports ssh=2222 gdb=1234", or "" when the guest listens on none. */
    public static String record(Config config) {
        var sb = new StringBuilder();
        if (config.sshAtRuntime()) {
            sb.append(" ssh=").append(config.get(Settings.SSH_PORT));
        }
        if (GdbStub.from(config).enabled()) {
            sb.append(" gdb=").append(config.get(Settings.GDB_PORT));
        }
        return sb.isEmpty() ? "" : "ports" + sb;
    }

    /** {@code config} with the ports a running guest's lock record names (kimg ssh, kimg gdb). */
    public static Config recorded(Config config, String guestRecord) {
        var chosen = new LinkedHashMap<Setting<Integer>, Integer>();
        Matcher m = RECORDED.matcher(guestRecord);
        while (m.find()) {
            chosen.put(m.group(1).equals("ssh") ? Settings.SSH_PORT : Settings.GDB_PORT, Integer.parseInt(m.group(2)));
        }
        return with(config, chosen);
    }

    private static int free(Config config, Setting<Integer> setting, Console console) {
        int port = config.get(setting);
        try (var s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return port;
        } catch (IOException busy) {
            try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int other = s.getLocalPort();
                console.info(setting.name() + "=" + port + " is in use on 127.0.0.1: this guest uses " + other
                        + " (kimg " + (setting == Settings.SSH_PORT ? "ssh" : "gdb") + " finds it)");
                return other;
            } catch (IOException e) {
                return port; // QEMU will say what is wrong
            }
        }
    }

    private static Config with(Config config, Map<Setting<Integer>, Integer> values) {
        if (values.isEmpty()) {
            return config;
        }
        var explicit = new LinkedHashMap<String, List<Value>>(config.explicit());
        values.forEach((k, v) -> {
            if (!v.equals(config.get(k))) {
                explicit.put(k.name(), List.of(new Value(v.toString(), Origin.COMMAND_LINE, v)));
            }
        });
        return new Config(config.directory(), explicit, config.files(), config.modules(), config.warnings(),
                config.hostEnvironment());
    }
}
