package kimg.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved configuration: for every setting that something set, its values with their origins; defaults are
 * derived on read. Immutable; produced by {@link ConfigLoader} and handed forward to every later stage.
 *
 * @param directory      the project directory (-C)
 * @param explicit       setting name → values (single settings: exactly one; lists: the items, possibly none
 *                       after a reset) for every setting assigned anywhere
 * @param files          every config file read, in order
 * @param modules        every module found through Include= (enabled or not)
 * @param warnings       unknown settings, late-changed [Match] inputs, ... with file:line
 */
public record Config(
        Path directory,
        Map<String, List<Value>> explicit,
        List<Path> files,
        List<ModuleDef> modules,
        List<String> warnings,
        Map<String, String> hostEnvironment) implements Setting.Lookup {

    public Config {
        explicit = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(explicit));
        files = List.copyOf(files);
        modules = List.copyOf(modules);
        warnings = List.copyOf(warnings);
        hostEnvironment = Map.copyOf(hostEnvironment);
    }

    /** The values of a setting: what was assigned, or its default (with origin "default"). */
    public List<Value> values(String name) {
        Setting s = Settings.get(name);
        List<Value> v = explicit.get(name);
        if (v != null && (s.list() || !v.isEmpty())) {
            return v;
        }
        var out = new ArrayList<Value>();
        for (String d : s.fallback().of(this)) {
            out.add(new Value(d, Origin.DEFAULT));
        }
        return out;
    }

    public boolean isDefault(String name) {
        List<Value> v = values(name);
        return v.isEmpty() || v.get(0).origin() == Origin.DEFAULT;
    }

    /** A single setting's value, its default, or "" when it has neither. */
    @Override
    public String get(String name) {
        List<Value> v = values(name);
        return v.isEmpty() ? "" : v.get(v.size() - 1).text();
    }

    public Optional<String> optional(String name) {
        String v = get(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    public List<String> list(String name) {
        return values(name).stream().map(Value::text).toList();
    }

    public boolean bool(String name) {
        return "true".equals(get(name));
    }

    public Origin origin(String name) {
        List<Value> v = values(name);
        return v.isEmpty() ? Origin.DEFAULT : v.get(v.size() - 1).origin();
    }

    /** A path setting, with its default resolved against the project directory. */
    public Path path(String name) {
        return directory.resolve(get(name)).normalize();
    }

    public String distribution() {
        return get("Distribution");
    }

    public String release() {
        return get("Release");
    }

    public String architecture() {
        return get("Architecture");
    }

    public String format() {
        return get("Format");
    }

    public Path outputDirectory() {
        return path("OutputDirectory");
    }

    public Path cacheDirectory() {
        return path("CacheDirectory");
    }

    /** {@code <BuildDirectory>/<distribution>~<release>~<architecture>}: the persistent build dirs live here. */
    public Path buildRoot() {
        return path("BuildDirectory").resolve(distribution() + "~" + release() + "~" + architecture());
    }

    /** The persistent out-of-tree build directory of one module. */
    public Path moduleBuildDirectory(String module) {
        return buildRoot().resolve(module);
    }

    public List<BuildSource> buildSources() {
        return values("BuildSources").stream().map(BuildSource::parse).toList();
    }

    /** The source tree configured for a module, if any. */
    public Optional<BuildSource> sourceFor(String module) {
        return buildSources().stream().filter(b -> b.target().equals(module)).reduce((a, b) -> b);
    }

    /**
     * The build scripts' environment: the lines of every EnvironmentFiles= entry (mkosi.env included) in order,
     * then Environment=, later keys winning (mkosi v26 {@code Config.environment}: files first, Environment= wins).
     * A bare {@code K} takes kimg's own environment value (and is dropped when the host does not have it).
     *
     * @throws ConfigError naming the EnvironmentFiles= entry when a file cannot be read
     */
    public Map<String, String> environment() {
        var items = new ArrayList<String>();
        for (Value file : values("EnvironmentFiles")) {
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of(file.text()))) {
                    // mkosi reads every line as K=V; blank lines and # comments are skipped here rather than
                    // becoming odd variables.
                    String item = line.strip();
                    if (!item.isEmpty() && !item.startsWith("#")) {
                        items.add(item);
                    }
                }
            } catch (java.io.IOException e) {
                throw new ConfigError(file.origin(), "EnvironmentFiles", "cannot read " + file.text() + ": " + e);
            }
        }
        items.addAll(list("Environment"));
        return environmentOf(items, hostEnvironment);
    }

    /**
     * Linux= with mkosi's delayed {@code &b} expanded: the build directory of this distribution, release and
     * architecture ({@link #buildRoot()}, mkosi's {@code BuildSubdirectory}); empty when Linux= is unset.
     */
    public Optional<Path> linux() {
        String raw = get("Linux");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        String expanded = raw.replace("&b", buildRoot().toString()).replace("&&", "&");
        return Optional.of(directory.resolve(expanded).normalize());
    }

    static Map<String, String> environmentOf(List<String> items, Map<String, String> host) {
        var env = new LinkedHashMap<String, String>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                String value = host.get(item);
                if (value != null) {
                    env.put(item, value);
                }
            } else {
                env.put(item.substring(0, eq), item.substring(eq + 1));
            }
        }
        return env;
    }

    public List<ModuleDef> enabledModules() {
        return modules.stream().filter(ModuleDef::enabled).toList();
    }

    public Optional<ModuleDef> module(String name) {
        return modules.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * A configuration made directly from values (for tests and tools), each value's origin "command line".
     * Single settings take the last value given.
     */
    public static Config ofValues(Path directory, Map<String, List<String>> values) {
        var explicit = new LinkedHashMap<String, List<Value>>();
        values.forEach((k, v) -> {
            Settings.get(k);
            explicit.put(k, v.stream().map(t -> new Value(t, Origin.COMMAND_LINE)).toList());
        });
        return new Config(directory.toAbsolutePath().normalize(), explicit, List.of(), List.of(), List.of(),
                System.getenv());
    }

    /** The same configuration with the module list replaced (module discovery happens after loading). */
    public Config withModules(List<ModuleDef> newModules) {
        return new Config(directory, explicit, files, newModules, warnings, hostEnvironment);
    }
}
