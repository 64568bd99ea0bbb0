package kimg.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CompileFarm=distcc:HOST[:PORT][/LIMIT] ...: the kernel and host-script modules compile through distcc, as pure
 * functions of the farm. distcc is put in front of the compiler only (CC), so HOSTCC stays local (kbuild's host
 * programs do not distribute well), in plain mode (pump does not combine with ccache); with ccache, ccache stays in
 * front and hands its misses to distcc through CCACHE_PREFIX. {@code -j} is the farm's total slots. A silent local
 * fallback would hide a broken farm, so DISTCC_FALLBACK=0 makes a failed distribution fail the build.
 *
 * @param hosts the farm's hosts, in the order given
 */
public record CompileFarm(List<Host> hosts) {
    /** distcc's own default of jobs per host when a host names no limit. */
    static final int DEFAULT_LIMIT = 4;
    static final Pattern ITEM = Pattern.compile("distcc:([A-Za-z0-9][A-Za-z0-9.-]*)(?::([0-9]{1,5}))?(?:/([0-9]{1,3}))?");

    public CompileFarm {
        hosts = List.copyOf(hosts);
    }

    /** One distccd: host, port (0: distcc's default 3632), jobs. */
    public record Host(String host, int port, int limit) {
        /** The host's entry in DISTCC_HOSTS. */
        String spec() {
            return host + (port == 0 ? "" : ":" + port) + "/" + limit;
        }
    }

    /** CompileFarm= of the config, if any (its parser checked every item). */
    public static java.util.Optional<CompileFarm> of(kimg.config.Config config) {
        List<String> items = config.items(kimg.config.Settings.COMPILE_FARM);
        return items.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(new CompileFarm(items.stream().map(CompileFarm::parse).toList()));
    }

    /** Parses one CompileFarm= item, or null when it is not {@code distcc:HOST[:PORT][/LIMIT]}. */
    public static Host parse(String item) {
        Matcher m = ITEM.matcher(item);
        if (!m.matches()) {
            return null;
        }
        int port = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        int limit = m.group(3) == null ? DEFAULT_LIMIT : Integer.parseInt(m.group(3));
        if (port > 65535 || limit < 1) {
            return null;
        }
        return new Host(m.group(1), port, limit);
    }

    /** The -j for make: every slot of the farm. */
    public int jobs() {
        return hosts.stream().mapToInt(Host::limit).sum();
    }

    /** The environment of a compile through the farm (make's, or a build script's). */
    public Map<String, String> environment(boolean ccache) {
        var env = new LinkedHashMap<String, String>();
        var specs = new ArrayList<String>();
        hosts.forEach(h -> specs.add(h.spec()));
        env.put("DISTCC_HOSTS", String.join(" ", specs));
        env.put("DISTCC_FALLBACK", "0");
        if (ccache) {
            env.put("CCACHE_PREFIX", "distcc");
        }
        return env;
    }

    /**
     * The kernel's make variables with the farm: {@code CC=distcc <compiler>}, or with ccache the variables as they
     * are (ccache's CCACHE_PREFIX does it). HOSTCC is never touched.
     */
    public List<String> makeVariables(List<String> variables, boolean ccache) {
        if (ccache) {
            return variables;
        }
        var out = new ArrayList<String>();
        boolean cc = false;
        for (String v : variables) {
            if (v.startsWith("CC=")) {
                out.add("CC=distcc " + v.substring(3));
                cc = true;
            } else {
                out.add(v);
            }
        }
        if (!cc) {
            boolean llvm = variables.stream().anyMatch(v -> v.startsWith("LLVM="));
            String prefix = variables.stream().filter(v -> v.startsWith("CROSS_COMPILE=")).map(v -> v.substring(14))
                    .findFirst().orElse("");
            out.add("CC=distcc " + (llvm ? "clang" : prefix + "gcc"));
        }
        return out;
    }

    /** A host build script's CC: distcc in front of the module's compiler (Environment=CC=, else cc). */
    public Map<String, String> scriptEnvironment(Map<String, String> environment, boolean ccache) {
        var env = new LinkedHashMap<String, String>(environment);
        env.putAll(environment(ccache));
        if (!ccache) {
            env.put("CC", "distcc " + environment.getOrDefault("CC", "cc"));
        }
        return env;
    }
}
