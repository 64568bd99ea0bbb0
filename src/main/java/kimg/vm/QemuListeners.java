package kimg.vm;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Value;

/**
 * Finds QemuArgs= that would make QEMU listen on a network address other than loopback: a gdb stub, a serial
 * port, monitor or QMP socket, a VNC or SPICE display, a migration target or a forwarded port reachable from the
 * network gives whoever connects the guest kernel (and often QEMU's monitor, which can read host files). kimg
 * binds everything it opens to 127.0.0.1; a user's extra arguments get the same rule.
 *
 * <p>Forms recognised (QEMU 7.2's qemu-options.hx): character device backends {@code tcp:}, {@code telnet:},
 * {@code websocket:} and {@code udp:} given to {@code -gdb}, {@code -serial}, {@code -monitor}, {@code -qmp},
 * {@code -qmp-pretty}, {@code -parallel}, {@code -debugcon}; {@code -gdb chardev:ID} with that {@code -chardev};
 * {@code -chardev socket|udp} with {@code host=}/{@code localaddr=}; {@code -netdev}/{@code -nic} {@code hostfwd=},
 * {@code listen=} and {@code stream} servers; {@code -vnc}, {@code -spice}, {@code -incoming}. {@code -readconfig}
 * is refused because what it opens cannot be checked here.
 */
public final class QemuListeners {
    private static final List<String> CHARDEV_OPTIONS =
            List.of("-gdb", "-serial", "-monitor", "-qmp", "-qmp-pretty", "-parallel", "-debugcon");
    private static final Pattern LEGACY = Pattern.compile("(tcp|telnet|websocket|tn3270):([^,]*?):?([^:,]*)((?:,.*)?)");
    private static final Pattern HOSTFWD = Pattern.compile("hostfwd=(?:tcp|udp)?:([^:]*):");
    private static final Pattern LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}|localhost|::1|\\[::1]");

    private QemuListeners() {}

    /** @throws ConfigError naming the QemuArgs= item (file:line) that would listen off loopback */
    public static void check(Config config) {
        List<Value> args = config.values("QemuArgs");
        firstOffLoopback(args.stream().map(Value::text).toList()).ifPresent(i -> {
            throw new ConfigError(args.get(i.index()).origin(), "QemuArgs", i.why()
                    + ": kimg allows listening sockets on 127.0.0.1 only (the gdb stub: -s and GdbPort=)");
        });
    }

    /** The offending argument's index in {@code args} and what it would open. */
    public record Listener(int index, String why) {}

    /** The first argument that would listen on a non-loopback address, if any; a pure function of {@code args}. */
    public static Optional<Listener> firstOffLoopback(List<String> args) {
        Map<String, String> chardevs = new HashMap<>();
        for (int i = 0; i + 1 < args.size(); i++) {
            String id = options(args.get(i + 1)).get("id");
            if (args.get(i).replaceFirst("^--", "-").equals("-chardev") && id != null) {
                chardevs.put(id, args.get(i + 1));
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i).startsWith("--") ? args.get(i).substring(1) : args.get(i);
            if (opt.equals("-readconfig")) {
                return Optional.of(new Listener(i, "'-readconfig' may open sockets kimg cannot check"));
            }
            if (i + 1 >= args.size()) {
                break;
            }
            String value = args.get(i + 1);
            Optional<String> why = switch (opt) {
                case "-chardev" -> chardev(value, false);
                case "-netdev", "-nic" -> netdev(value);
                case "-vnc" -> vnc(value);
                case "-display" -> display(value);
                case "-spice" -> spice(value);
                case "-incoming" -> legacy(value, true);
                default -> CHARDEV_OPTIONS.contains(opt) ? backend(opt, value, chardevs) : Optional.empty();
            };
            if (why.isPresent()) {
                return Optional.of(new Listener(i + 1, "'" + opt + " " + value + "' " + why.get()));
            }
        }
        return Optional.empty();
    }

    /** A -gdb/-serial/... backend: legacy syntax, or for -gdb a named chardev (the stub always listens). */
    private static Optional<String> backend(String opt, String value, Map<String, String> chardevs) {
        boolean alwaysListens = opt.equals("-gdb");
        if (value.startsWith("chardev:")) {
            String spec = chardevs.get(value.substring("chardev:".length()));
            // QEMU adds server=on only to the tcp: shorthand; a named chardev listens when it says so.
            return spec == null ? Optional.empty() : chardev(spec, false)
                    .map(why -> why + " (through -chardev " + spec + ")");
        }
        return legacy(value, alwaysListens);
    }

    /** {@code tcp:[HOST]:PORT[,server=on,...]} and friends; {@code udp:...@[SRC]:PORT} binds SRC. */
    private static Optional<String> legacy(String value, boolean alwaysListens) {
        if (value.startsWith("udp:")) {
            int at = value.indexOf('@');
            if (at < 0) {
                return Optional.empty();
            }
            String local = value.substring(at + 1);
            return offLoopback(local.substring(0, Math.max(0, local.lastIndexOf(':'))));
        }
        Matcher m = LEGACY.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        boolean listens = alwaysListens || m.group(1).equals("websocket")
                || isServer(options("x" + m.group(4)).get("server"));
        return listens ? offLoopback(m.group(2)) : Optional.empty();
    }

    /** {@code -chardev socket,host=H,port=P,server=on} (no path=: TCP), {@code -chardev udp,localaddr=}. */
    private static Optional<String> chardev(String spec, boolean alwaysListens) {
        Map<String, String> o = options(spec);
        String backend = spec.split(",", 2)[0];
        if (backend.equals("udp")) {
            return o.containsKey("localport") ? offLoopback(o.getOrDefault("localaddr", "")) : Optional.empty();
        }
        if (!backend.equals("socket") || o.containsKey("path") || o.containsKey("fd")) {
            return Optional.empty();
        }
        boolean listens = alwaysListens || o.containsKey("websocket") || isServer(o.get("server"));
        return listens ? offLoopback(o.getOrDefault("host", "")) : Optional.empty();
    }

    private static Optional<String> netdev(String spec) {
        Matcher fwd = HOSTFWD.matcher(spec);
        while (fwd.find()) {
            Optional<String> why = offLoopback(fwd.group(1));
            if (why.isPresent()) {
                return why;
            }
        }
        Map<String, String> o = options(spec);
        if (o.containsKey("listen")) {
            String listen = o.get("listen");
            return offLoopback(listen.substring(0, Math.max(0, listen.lastIndexOf(':'))));
        }
        if (spec.startsWith("stream") && isServer(o.get("server")) && o.containsKey("addr.port")) {
            return offLoopback(o.getOrDefault("addr.host", ""));
        }
        if (o.containsKey("mcast")) {
            // A multicast socket binds the group's port on every address (QEMU's net_socket_mcast_create).
            return Optional.of("would receive on every address (multicast " + o.get("mcast") + ")");
        }
        if (o.containsKey("localaddr")) {
            String local = o.get("localaddr");
            return offLoopback(local.substring(0, Math.max(0, local.lastIndexOf(':'))));
        }
        if (spec.startsWith("dgram") && o.containsKey("local.port")) {
            return offLoopback(o.getOrDefault("local.host", ""));
        }
        return Optional.empty();
    }

    /** {@code -display vnc=[HOST]:DISPLAY[,...]} is -vnc by another name; other displays open no socket. */
    private static Optional<String> display(String value) {
        return value.startsWith("vnc=") ? vnc(value.substring("vnc=".length())) : Optional.empty();
    }

    /** {@code -vnc [HOST]:DISPLAY[,...]}; {@code none} and {@code unix:} open nothing on the network. */
    private static Optional<String> vnc(String value) {
        String display = value.split(",", 2)[0];
        Optional<String> ws = Optional.ofNullable(options(value).get("websocket"))
                .flatMap(w -> offLoopback(w.contains(":") ? w.substring(0, w.lastIndexOf(':')) : ""));
        if (display.equals("none") || display.startsWith("unix:")) {
            return ws;
        }
        int colon = display.lastIndexOf(':');
        return offLoopback(colon < 0 ? display : display.substring(0, colon)).or(() -> ws);
    }

    private static Optional<String> spice(String value) {
        Map<String, String> o = options("x," + value);
        if (!o.containsKey("port") && !o.containsKey("tls-port")) {
            return Optional.empty();
        }
        return offLoopback(o.getOrDefault("addr", ""));
    }

    private static Optional<String> offLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (LOOPBACK.matcher(h).matches()) {
            return Optional.empty();
        }
        return Optional.of("would listen on " + (h.isEmpty() ? "every address" : h));
    }

    /** QEMU's boolean option: a bare {@code server} or {@code server=on|yes|true}. */
    private static boolean isServer(String v) {
        return v != null && (v.isEmpty() || v.equals("on") || v.equals("yes") || v.equals("true"));
    }

    /** {@code kind,key=value,flag,...} after the first field, as a map (a bare flag maps to ""). */
    static Map<String, String> options(String spec) {
        var out = new HashMap<String, String>();
        String[] parts = spec.split(",");
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            out.put(eq < 0 ? parts[i] : parts[i].substring(0, eq), eq < 0 ? "" : parts[i].substring(eq + 1));
        }
        return out;
    }
}
