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
        return values(Settings.get(name));
    }

    /** The values of a setting: what was assigned, or its default (with origin "default"). */
    public List<Value> values(Setting<?> s) {
        List<Value> v = explicit.get(s.name());
        if (v != null && (s.list() || !v.isEmpty())) {
            return v;
        }
        // Defaults are parsed like any value, relative paths against the project directory.
        Origin at = new Origin(null, 0, Origin.DEFAULT.label(), directory);
        var out = new ArrayList<Value>();
        for (String d : s.fallback().of(this)) {
            out.add(new Value(d, Origin.DEFAULT, s.value(d, at).typed()));
        }
        return out;
    }

    public boolean isDefault(String name) {
        List<Value> v = values(name);
        return v.isEmpty() || v.get(0).origin() == Origin.DEFAULT;
    }

    /** A single setting's value as text, its default, or "" when it has neither (summary, specifiers, [Match]). */
    @Override
    public String get(String name) {
        List<Value> v = values(name);
        return v.isEmpty() ? "" : v.get(v.size() - 1).text();
    }

    /** A list setting's items as text. */
    public List<String> list(String name) {
        return values(name).stream().map(Value::text).toList();
    }

    /** A single setting's typed value (its default when unset), or empty when it has neither. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> optional(Setting<T> s) {
        List<Value> v = values(s);
        return v.isEmpty() ? Optional.empty() : Optional.of((T) v.get(v.size() - 1).typed());
    }

    /**
     * A single setting's typed value, its default when unset.
     *
     * @throws IllegalStateException for a setting without default that nothing set (use {@link #optional})
     */
    public <T> T get(Setting<T> s) {
        return optional(s).orElseThrow(() -> new IllegalStateException(s.name() + "= has no value"));
    }

    /** A list setting's typed items, in order. */
    @SuppressWarnings("unchecked")
    public <T> List<T> items(Setting<T> s) {
        return values(s).stream().map(v -> (T) v.typed()).toList();
    }

    /** Where a setting's (last) value came from. */
    public Origin origin(Setting<?> s) {
        List<Value> v = values(s);
        return v.isEmpty() ? Origin.DEFAULT : v.get(v.size() - 1).origin();
    }

    public Origin origin(String name) {
        return origin(Settings.get(name));
    }

    public String distribution() {
        return get("Distribution");
    }

    public String release() {
        return get("Release");
    }

    public Architecture architecture() {
        return get(Settings.ARCHITECTURE);
    }

    public String format() {
        return get("Format");
    }

    public Path outputDirectory() {
        return get(Settings.OUTPUT_DIRECTORY);
    }

    public Path cacheDirectory() {
        return get(Settings.CACHE_DIRECTORY);
    }

    /** {@code <BuildDirectory>/<distribution>~<release>~<architecture>}: the persistent build dirs live here. */
    public Path buildRoot() {
        return get(Settings.BUILD_DIRECTORY).resolve(distribution() + "~" + release() + "~" + architecture());
    }

    /** The persistent out-of-tree build directory of one module. */
    public Path moduleBuildDirectory(String module) {
        return buildRoot().resolve(module);
    }

    public List<BuildSource> buildSources() {
        return items(Settings.BUILD_SOURCES);
    }

    /** The source tree configured for a module, if any. */
    public Optional<BuildSource> sourceFor(String module) {
        return buildSources().stream().filter(b -> b.target().equals(module)).reduce((a, b) -> b);
    }

    /** Ssh=always, or auto with openssh-server among Packages=: sshd and the project's key go in the image. */
    public boolean sshInImage() {
        Ssh ssh = get(Settings.SSH);
        return ssh == Ssh.ALWAYS || (ssh == Ssh.AUTO && items(Settings.PACKAGES).contains("openssh-server"));
    }

    /** The guest's sshd is reachable when booting: it is in the image, or Ssh=runtime says the image has one. */
    public boolean sshAtRuntime() {
        return sshInImage() || get(Settings.SSH) == Ssh.RUNTIME;
    }

    /**
     * Every value kimg cannot {@code use} although mkosi accepts it (Distribution=arch, Format=uki): the first
     * one is thrown. Called before any step runs, so {@code build} fails at once, not after a kernel build.
     *
     * @throws ConfigError naming the value's file:line and setting
     */
    public void checkUsable(Setting.Use use) {
        for (Setting<?> s : Settings.all()) {
            for (Value v : values(s)) {
                s.refusal(v, use).ifPresent(reason -> {
                    throw new ConfigError(v.origin(), s.name(), reason);
                });
            }
        }
    }

    /** The rows that shape {@code cache} as {@code Name=value} lines, in table order (cache keys hash them). */
    public List<String> cacheInputs(Setting.Cache cache) {
        var lines = new ArrayList<String>();
        for (Setting<?> s : Settings.shaping(cache)) {
            lines.add(s.name() + "=" + String.join(",", values(s).stream().map(Value::text).toList()));
        }
        return lines;
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
        for (Value file : values(Settings.ENVIRONMENT_FILES)) {
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
        items.addAll(items(Settings.ENVIRONMENT));
        return environmentOf(items, hostEnvironment);
    }

    /**
     * Where {@link #environment()}'s {@code key} came from: the last Environment= item that sets it (the one that
     * wins), else the EnvironmentFiles= entries; for an error about the variable's value.
     */
    public Origin environmentOrigin(String key) {
        Origin found = null;
        for (Value v : values(Settings.ENVIRONMENT)) {
            if (v.text().startsWith(key + "=")) {
                found = v.origin();
            }
        }
        return found != null ? found : origin(Settings.ENVIRONMENT_FILES);
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
        Origin at = Origin.given(directory.toAbsolutePath().normalize());
        values.forEach((k, v) -> {
            Setting<?> s = Settings.get(k);
            explicit.put(k, v.stream().map(t -> s.value(t, at)).map(x -> new Value(x.text(), Origin.COMMAND_LINE,
                    x.typed())).toList());
        });
        return new Config(directory.toAbsolutePath().normalize(), explicit, List.of(), List.of(), List.of(),
                System.getenv());
    }

    /** The same configuration with the module list replaced (module discovery happens after loading). */
    public Config withModules(List<ModuleDef> newModules) {
        return new Config(directory, explicit, files, newModules, warnings, hostEnvironment);
    }
}
