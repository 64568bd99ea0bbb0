package kimg.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.Settings;
import kimg.host.HostTools;

/**
 * CompileFarm=distcc:HOST[:PORT][/LIMIT] ... or CompileFarm=icecream[/JOBS]: the kernel and host-script modules
 * compile through distcc or icecream's icecc, as pure functions of the farm. The wrapper is put in front of the
 * compiler only (CC), so HOSTCC stays local (kbuild's host programs do not distribute well); distcc in plain mode
 * (pump does not combine with ccache). With ccache, ccache stays in front and hands its misses to the wrapper
 * through CCACHE_PREFIX. {@code -j} is the farm's total slots: the distcc hosts' limits, or icecream's JOBS (its
 * scheduler, not kimg, knows the hosts; without JOBS, {@value #ICECREAM_JOBS_PER_CPU} per local CPU). A silent
 * local fallback would hide a broken distcc farm, so DISTCC_FALLBACK=0 makes a failed distribution fail the build;
 * icecc has no such switch and compiles locally when no scheduler answers.
 *
 * @param engine        distcc or icecream
 * @param hosts         the distcc hosts, in the order given (empty for icecream)
 * @param icecreamJobs  -j for icecream (0 for distcc)
 */
public record CompileFarm(Engine engine, List<Host> hosts, int icecreamJobs) {
    /** distcc's own default of jobs per host when a host names no limit. */
    static final int DEFAULT_LIMIT = 4;
    /** icecream without /JOBS: jobs per local CPU (the local CPUs preprocess; the farm compiles). */
    static final int ICECREAM_JOBS_PER_CPU = 4;
    static final Pattern ITEM = Pattern.compile("distcc:([A-Za-z0-9][A-Za-z0-9.-]*)(?::([0-9]{1,5}))?(?:/([0-9]{1,3}))?");
    static final Pattern ICECREAM = Pattern.compile("icecream(?:/([0-9]{1,3}))?");

    /** Which wrapper compiles, and the host program and Debian package that provide it. */
    public enum Engine {
        DISTCC("distcc", "distcc"), ICECREAM("icecc", "icecc");

        final String wrapper;
        final String debianPackage;

        Engine(String wrapper, String debianPackage) {
            this.wrapper = wrapper;
            this.debianPackage = debianPackage;
        }
    }

    public CompileFarm {
        hosts = List.copyOf(hosts);
    }

    /** A distcc farm. */
    public CompileFarm(List<Host> hosts) {
        this(Engine.DISTCC, hosts, 0);
    }

    /** An icecream farm compiling {@code jobs} at once. */
    public static CompileFarm icecream(int jobs) {
        return new CompileFarm(Engine.ICECREAM, List.of(), jobs);
    }

    /** One distccd: host, port (0: distcc's default 3632), jobs. */
    public record Host(String host, int port, int limit) {
        /** The host's entry in DISTCC_HOSTS. */
        String spec() {
            return host + (port == 0 ? "" : ":" + port) + "/" + limit;
        }
    }

    /**
     * CompileFarm= of the config, if any (its parser checked every item).
     *
     * @throws ConfigError when icecream is mixed with distcc hosts or given twice (exit 2)
     */
    public static java.util.Optional<CompileFarm> of(Config config) {
        List<String> items = config.items(Settings.COMPILE_FARM);
        if (items.isEmpty()) {
            return java.util.Optional.empty();
        }
        if (items.stream().anyMatch(i -> i.startsWith("icecream"))) {
            if (items.size() > 1) {
                throw new ConfigError(config.origin(Settings.COMPILE_FARM), Settings.COMPILE_FARM.name(),
                        "icecream's scheduler picks the hosts: give CompileFarm=icecream[/JOBS] alone, not with "
                                + String.join(", ", items));
            }
            return java.util.Optional.of(icecream(icecreamJobs(items.get(0), Runtime.getRuntime()
                    .availableProcessors())));
        }
        return java.util.Optional.of(new CompileFarm(items.stream().map(CompileFarm::parse).toList()));
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

    /** {@code icecream[/JOBS]}'s -j ({@value #ICECREAM_JOBS_PER_CPU} per local CPU without JOBS), or 0 if not one. */
    public static int icecreamJobs(String item, int localCpus) {
        Matcher m = ICECREAM.matcher(item);
        if (!m.matches()) {
            return 0;
        }
        return m.group(1) == null ? ICECREAM_JOBS_PER_CPU * Math.max(1, localCpus) : Integer.parseInt(m.group(1));
    }

    /** The -j for make: every slot of the farm. */
    public int jobs() {
        return engine == Engine.ICECREAM ? icecreamJobs : hosts.stream().mapToInt(Host::limit).sum();
    }

    /** The host program the farm needs (checked before any step; kimg installs it when allowed). */
    public HostTools.Tool tool() {
        return HostTools.Tool.command(engine.wrapper, engine.debianPackage);
    }

    /** The environment of a compile through the farm (make's, or a build script's). */
    public Map<String, String> environment(boolean ccache) {
        var env = new LinkedHashMap<String, String>();
        if (engine == Engine.DISTCC) {
            var specs = new ArrayList<String>();
            hosts.forEach(h -> specs.add(h.spec()));
            env.put("DISTCC_HOSTS", String.join(" ", specs));
            env.put("DISTCC_FALLBACK", "0");
        }
        if (ccache) {
            env.put("CCACHE_PREFIX", engine.wrapper);
        }
        return env;
    }

    /**
     * The kernel's make variables with the farm: {@code CC=<wrapper> <compiler>}, or with ccache the variables as
     * they are (ccache's CCACHE_PREFIX does it). HOSTCC is never touched.
     */
    public List<String> makeVariables(List<String> variables, boolean ccache) {
        if (ccache) {
            return variables;
        }
        var out = new ArrayList<String>();
        boolean cc = false;
        for (String v : variables) {
            if (v.startsWith("CC=")) {
                out.add("CC=" + engine.wrapper + " " + v.substring(3));
                cc = true;
            } else {
                out.add(v);
            }
        }
        if (!cc) {
            boolean llvm = variables.stream().anyMatch(v -> v.startsWith("LLVM="));
            String prefix = variables.stream().filter(v -> v.startsWith("CROSS_COMPILE=")).map(v -> v.substring(14))
                    .findFirst().orElse("");
            out.add("CC=" + engine.wrapper + " " + (llvm ? "clang" : prefix + "gcc"));
        }
        return out;
    }

    /** A host build script's CC: the wrapper in front of the module's compiler (Environment=CC=, else cc). */
    public Map<String, String> scriptEnvironment(Map<String, String> environment, boolean ccache) {
        var env = new LinkedHashMap<String, String>(environment);
        env.putAll(environment(ccache));
        if (!ccache) {
            env.put("CC", engine.wrapper + " " + environment.getOrDefault("CC", "cc"));
        }
        return env;
    }
}
