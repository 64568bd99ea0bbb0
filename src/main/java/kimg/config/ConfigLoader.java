package kimg.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a project's configuration the way mkosi v26 does (REFERENCE.md §1–5) and produces a {@link Config}.
 *
 * <p>Values live in three ranks: the config files, mkosi.local.conf (and whatever it includes), and the command
 * line. A single setting takes the highest rank that set it; a list is the files' items followed by local's and
 * then the command line's. An empty assignment clears what was read before it on its own rank (mkosi.local.conf
 * is read before the files, so it cannot clear their items); on the command line it clears everything.
 * [Match] sections see the value resolved so far across all ranks.
 *
 * <p>Relative paths resolve against the working directory of the parse (mkosi chdirs into each directory it
 * reads as a configuration directory, and not into a plain file's directory): see {@link Origin#directory()}.
 */
public final class ConfigLoader {
    private static final int FILES = 0;
    private static final int LOCAL = 1;
    private static final int COMMAND_LINE = 2;

    /** What one rank holds for one setting. {@code reset}: an empty assignment cleared what came before. */
    private static final class Slot {
        boolean reset;
        final List<Value> items = new ArrayList<>();
    }

    /** A [Match] condition evaluated against a value that a later file may still change (REFERENCE §4 trap). */
    private record MatchSeen(String setting, String seen, Origin origin) {}

    private final Path project;
    private final Path invoked;
    private final Path start;
    private final Map<String, String> hostEnvironment;
    private final List<Map<String, Slot>> ranks = List.of(new LinkedHashMap<>(), new LinkedHashMap<>(),
            new LinkedHashMap<>());
    /** The working directory of the parse (top: the directory being read as a configuration directory). */
    private final Deque<Path> cwd = new ArrayDeque<>();
    private int rank = FILES;

    private final List<Path> files = new ArrayList<>();
    private final Set<Path> read = new HashSet<>();
    private final Deque<Path> reading = new ArrayDeque<>();
    private final Map<Path, ModuleDef> modules = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<MatchSeen> matchesSeen = new ArrayList<>();

    private final Setting.Lookup lookup = this::resolvedSingle;

    private ConfigLoader(Path project, Path invoked, Path start, Map<String, String> hostEnvironment) {
        this.project = project;
        this.invoked = invoked;
        this.start = start;
        this.hostEnvironment = hostEnvironment;
    }

    public static Config load(ConfigInput input) {
        return load(input, System.getenv());
    }

    /**
     * Reads the project's configuration with the command line's settings on top, and refuses values the verb
     * cannot use ({@link ConfigInput#uses}; {@code summary}, {@code cat-config} and {@code clean} take every value
     * mkosi takes).
     *
     * @throws ConfigError naming file:line and setting for the first bad value
     */
    public static Config load(ConfigInput input, Map<String, String> hostEnvironment) {
        Path dir = input.directory();
        if (!Files.isDirectory(dir)) {
            throw ConfigError.usage("not a directory: " + dir + " (-C)");
        }
        Path configDirectory = configDirectory(dir);
        var loader = new ConfigLoader(configDirectory, dir, input.startDirectory(), hostEnvironment);
        loader.applyCommandLine(input.overrides());
        loader.readDirectory(configDirectory, true, true);
        loader.versionFile(configDirectory);
        loader.findUnincludedModules();
        Config config = loader.result();
        checkBuildSourceTargets(config, ModuleScan.known(dir, config));
        input.uses().forEach(config::checkUsable);
        return config;
    }

    /** mkosi.version is ImageVersion= when nothing else set it (mkosi's path default). */
    private void versionFile(Path dir) {
        if (ranks.stream().noneMatch(m -> m.containsKey("ImageVersion"))) {
            ImageVersions.read(dir).ifPresent(v -> {
                int saved = rank;
                rank = FILES;
                assign(Settings.IMAGE_VERSION, v, Origin.at(dir.resolve(ImageVersions.FILE), 1));
                rank = saved;
            });
        }
    }

    /**
     * Where the configuration of {@code -C DIR} lives: DIR, or {@code DIR/mkosi/} when DIR has no mkosi.conf but
     * {@code mkosi/mkosi.conf} exists (mkosi v26 {@code finalize_configdir}: config kept out of a repository's top).
     */
    public static Path configDirectory(Path dir) {
        if (!Files.exists(dir.resolve("mkosi.conf")) && Files.isRegularFile(dir.resolve("mkosi/mkosi.conf"))) {
            return dir.resolve("mkosi");
        }
        return dir;
    }

    /**
     * A BuildSources= target names a module: {@code kernel} (kimg's kernel builder) or one that exists
     * ({@link ModuleScan#known}). A misspelt target would otherwise be skipped in silence (issue 10).
     *
     * @throws ConfigError naming the item's file:line
     */
    static void checkBuildSourceTargets(Config config, java.util.Set<String> known) {
        for (Value v : config.values(Settings.BUILD_SOURCES)) {
            String target = ((BuildSource) v.typed()).target();
            if (!target.isEmpty() && !known.contains(target)) {
                throw new ConfigError(v.origin(), "BuildSources", "no module named '" + target + "' (modules: "
                        + String.join(", ", new java.util.TreeSet<>(known)) + ")");
            }
        }
    }

    // ---- command line ------------------------------------------------------------------------------------

    private void applyCommandLine(Map<String, List<String>> overrides) {
        rank = COMMAND_LINE;
        for (String name : overrides.keySet()) {
            Settings.byName(name).orElseThrow(() -> ConfigError.usage("unknown setting '" + name + "'"));
        }
        // In table order, not the map's: the settings specifiers read (Distribution= ... OutputDirectory=) come
        // first, so `--hostname=%d -d fedora` sees fedora whatever order the flags were given in.
        for (Setting<?> s : Settings.all()) {
            if (!overrides.containsKey(s.name()) || s.name().equals("Include")) {
                continue; // Include= is read after the directory, below the command line's own rank
            }
            for (String text : overrides.get(s.name())) {
                // Relative paths on the command line are relative to where kimg was started, not to -C.
                assign(s, text, Origin.commandLine(start));
            }
        }
        rank = FILES;
        List<String> includes = overrides.getOrDefault("Include", List.of());
        pendingCommandLineIncludes.addAll(includes);
    }

    private final List<String> pendingCommandLineIncludes = new ArrayList<>();

    // ---- directories and files ---------------------------------------------------------------------------

    /**
     * Reads a directory like mkosi: its mkosi.conf's [Match] gates everything and its [Assert]s must hold; then
     * (top only) mkosi.local/ and mkosi.local.conf, then mkosi.env, mkosi.conf's settings, mkosi.conf.d/ entries in
     * sorted order and, when {@code profiles}, {@code mkosi.profiles/<name>} for each profile enabled so far.
     *
     * @return whether the directory applied (its [Match] held)
     */
    private boolean readDirectory(Path dir, boolean top, boolean profiles) {
        return readDirectory(dir, top, profiles, null);
    }

    private boolean readDirectory(Path dir, boolean top, boolean profiles, Origin includedFrom) {
        Path real = realPath(dir);
        Path conf = dir.resolve("mkosi.conf");
        IniFile ini = null;
        enter(dir, real, includedFrom);
        cwd.push(dir.toAbsolutePath().normalize());
        try {
            if (Files.isRegularFile(conf)) {
                Path realConf = realPath(conf);
                read.add(realConf);
                files.add(conf);
                ini = IniFile.read(conf);
                if (!matches(ini, false)) {
                    return false;
                }
                matches(ini, true);
            }
            if (top) {
                readLocal(dir);
            }
            Path envFile = dir.resolve("mkosi.env");
            if (Files.isRegularFile(envFile)) {
                // mkosi's path suffix: a directory's mkosi.env is an EnvironmentFiles= entry, before its mkosi.conf.
                assign(Settings.ENVIRONMENT_FILES, envFile.toString(), Origin.at(envFile, 0).withBase(cwd()));
            }
            if (ini != null) {
                // On the include chain while it is applied, so that an Include= leading back to it is a cycle.
                reading.push(realPath(conf));
                try {
                    apply(ini);
                } finally {
                    reading.pop();
                }
            }
            Path confD = dir.resolve("mkosi.conf.d");
            if (Files.isDirectory(confD)) {
                for (Path entry : sortedEntries(confD)) {
                    if (Files.isDirectory(entry)) {
                        if (read.add(realPath(entry))) {
                            readDirectory(entry, false, false);
                        }
                    } else if (entry.getFileName().toString().endsWith(".conf")) {
                        readFile(entry, null);
                    }
                }
            }
            if (profiles) {
                readProfiles(dir);
            }
            return true;
        } finally {
            cwd.pop();
            reading.pop();
        }
    }

    /**
     * {@code mkosi.profiles/<name>} and {@code mkosi.profiles/<name>.conf} (both, when both exist) for each name in
     * Profiles= as resolved after mkosi.conf.d (mkosi v26 {@code parse_config_one(parse_profiles=True)}). A profile
     * directory with a build script is a module named after the profile.
     */
    private void readProfiles(Path dir) {
        for (Value profile : resolvedList("Profiles")) {
            Path base = dir.resolve("mkosi.profiles");
            for (Path p : List.of(base.resolve(profile.text()), base.resolve(profile.text() + ".conf"))) {
                if (Files.isDirectory(p)) {
                    if (read.add(realPath(p))) {
                        boolean applied = readDirectory(p, false, false);
                        ModuleDef.findBuildScript(p).ifPresent(script -> modules.put(realPath(p),
                                new ModuleDef(p.getFileName().toString(), p, Optional.of(script), applied)));
                    }
                } else if (Files.isRegularFile(p)) {
                    readFile(p, profile.origin());
                }
            }
        }
    }

    private Path cwd() {
        return cwd.isEmpty() ? project : cwd.peek();
    }

    /** mkosi.local.conf and mkosi.local/: everything they (and their includes) set ranks above the files. */
    private void readLocal(Path dir) {
        int saved = rank;
        rank = LOCAL;
        try {
            // mkosi v26 reads mkosi.local/ first, then mkosi.local.conf.
            Path localDir = dir.resolve("mkosi.local");
            if (Files.isDirectory(localDir) && read.add(realPath(localDir))) {
                readDirectory(localDir, false, false);
            }
            Path localConf = dir.resolve("mkosi.local.conf");
            if (Files.isRegularFile(localConf)) {
                readFile(localConf, null);
            }
        } finally {
            rank = saved;
        }
    }

    private void readFile(Path file, Origin includedFrom) {
        Path real = realPath(file);
        enter(file, real, includedFrom);
        try {
            if (!read.add(real)) {
                return;
            }
            files.add(file);
            IniFile ini = IniFile.read(file);
            if (matches(ini, false)) {
                matches(ini, true);
                apply(ini);
            }
        } finally {
            reading.pop();
        }
    }

    /** Deeper Include= (or mkosi.conf.d/) nesting is refused: real trees nest a few levels, a loop nests forever. */
    static final int MAX_DEPTH = 64;

    /**
     * Pushes a file or directory on the include chain. One already on it is a cycle, and a chain deeper than
     * {@link #MAX_DEPTH} is refused; both errors name the chain. {@code includedFrom} is the Include= line, or
     * null when the directory walk (a mkosi.conf.d/ entry, mkosi.local/) led here.
     */
    private void enter(Path given, Path real, Origin includedFrom) {
        if (reading.contains(real) || reading.size() >= MAX_DEPTH) {
            var chain = new ArrayList<>(reading);
            java.util.Collections.reverse(chain);
            boolean cycle = reading.contains(real);
            if (cycle) {
                chain = new ArrayList<>(chain.subList(chain.indexOf(real), chain.size()));
            }
            List<String> names = new ArrayList<>(chain.stream().map(this::shown).toList());
            // The last step as written (a symlink shows what it points to): "mkosi.conf.d/loop (a link to .)".
            Path written = given.toAbsolutePath().normalize();
            names.add(written.equals(real) ? shown(real) : shown(written) + " (a link to " + shown(real) + ")");
            String what = cycle ? "cycle: " : "nested more than " + MAX_DEPTH + " deep: ";
            if (includedFrom != null) {
                throw new ConfigError(includedFrom, "Include", "Include= " + what + chain(names));
            }
            throw new ConfigError(Origin.at(given, 0), null, "directory " + what + chain(names));
        }
        reading.push(real);
    }

    /** A path on the include chain: relative to the project when inside it ("." for the project itself). */
    private String shown(Path p) {
        Path top = realPath(project);
        return p.equals(top) ? "." : p.startsWith(top) ? top.relativize(p).toString() : p.toString();
    }

    /** a → b → a, with the middle of a long chain left out so that the message stays one readable line. */
    private static String chain(List<String> names) {
        if (names.size() > 6) {
            names = Stream.of(names.subList(0, 3), List.of("… (" + (names.size() - 5) + " more)"),
                    names.subList(names.size() - 2, names.size())).flatMap(List::stream).toList();
        }
        return String.join(" → ", names);
    }

    private void include(String item, Origin origin) {
        String expanded = Specifiers.expand(item, origin, "Include", lookup, invoked, start);
        Path target;
        try {
            target = ValueParser.resolve(expanded, origin);
        } catch (ConfigError e) {
            throw e.inSetting("Include");
        }
        if (!Files.exists(target)) {
            throw new ConfigError(origin, "Include", "no such file or directory: " + target);
        }
        Path real = realPath(target);
        if (reading.contains(real)) {
            enter(target, real, origin); // throws the cycle error
        }
        if (Files.isDirectory(target)) {
            if (!read.add(real)) {
                return;
            }
            boolean isModule = Files.isRegularFile(target.resolve("mkosi.conf"));
            // An included directory is read like a top-level one, its own mkosi.profiles/ included.
            boolean applied = readDirectory(target, false, true, origin);
            if (isModule) {
                String name = target.getFileName().toString();
                modules.put(real, new ModuleDef(name, target, ModuleDef.findBuildScript(target), applied));
            }
        } else if (Files.isRegularFile(target)) {
            readFile(target, origin);
        } else {
            // A FIFO would block the read until a writer comes, /dev/zero never ends.
            throw new ConfigError(origin, "Include", "not a regular file or directory: " + target);
        }
    }

    private void findUnincludedModules() {
        for (String includeItem : pendingCommandLineIncludes) {
            for (String item : Words.commas(includeItem)) {
                include(item, Origin.commandLine(start));
            }
        }
        Path dir = project.resolve("modules");
        if (Files.isDirectory(dir)) {
            for (Path m : sortedEntries(dir)) {
                if (Files.isRegularFile(m.resolve("mkosi.conf"))) {
                    modules.putIfAbsent(realPath(m),
                            new ModuleDef(m.getFileName().toString(), m, ModuleDef.findBuildScript(m), false));
                }
            }
        }
        // Profiles not enabled that would be modules: known, so that build can name them, but not enabled.
        Path profiles = project.resolve("mkosi.profiles");
        if (Files.isDirectory(profiles)) {
            for (Path p : sortedEntries(profiles)) {
                if (Files.isDirectory(p)) {
                    ModuleDef.findBuildScript(p).ifPresent(script -> modules.putIfAbsent(realPath(p),
                            new ModuleDef(p.getFileName().toString(), p, Optional.of(script), false)));
                }
            }
        }
    }

    // ---- sections and settings ---------------------------------------------------------------------------

    private void apply(IniFile ini) {
        Set<String> warnedSections = new HashSet<>();
        for (IniFile.Entry entry : ini.entries()) {
            if (!(entry instanceof IniFile.Assignment a)) {
                continue;
            }
            String section = a.section().equals("Host") ? "Runtime" : a.section();
            Origin origin = a.origin(ini.path()).withBase(cwd());
            if (CONDITION_SECTIONS.contains(section)) {
                continue;
            }
            String key = a.key();
            if (key.startsWith("@")) {
                // Before v24 `@Key=` set a default; mkosi v24+ reads it as `Key=` and warns.
                key = key.substring(1);
                // mkosi's own wording, so a user who knows it recognises it.
                warnings.add(origin + ": The '@' specifier is deprecated, please use " + key + " instead of "
                        + a.key());
            }
            boolean includeSection = section.equals("Config") || section.equals("Include");
            if (key.equals("Include") && (includeSection || Settings.SECTIONS.contains(section))) {
                if (!includeSection) {
                    // Like any setting in the wrong section: a nudge, and it still does its job.
                    warnings.add(origin + ": Include= belongs in [Config], not [" + a.section() + "]");
                }
                for (String item : Words.commas(a.value())) {
                    include(item, origin);
                }
                continue;
            }
            if (!Settings.SECTIONS.contains(section)) {
                if (warnedSections.add(section)) {
                    warnings.add(origin + ": unknown section [" + section + "], its settings are ignored");
                }
                continue;
            }
            Optional<Setting<?>> setting = Settings.byName(key);
            if (setting.isEmpty()) {
                String oldName = key;
                setting = Settings.byCompatName(oldName);
                // mkosi's own wording, so a user who knows it recognises it.
                setting.ifPresent(s -> warnings.add(origin + ": Setting " + oldName + " is deprecated, please use "
                        + s.name() + " instead."));
            }
            if (setting.isEmpty()) {
                String hint = Settings.byNameIgnoringCase(key).map(s -> " (did you mean " + s.name() + "=?)")
                        .orElse("");
                warnings.add(origin + ": unknown setting " + a.key() + "=" + hint + ", ignored");
                continue;
            }
            Setting<?> s = setting.get();
            if (!s.inSection(a.section())) { // [Host] is the old name of [Runtime]: it works, with a nudge
                // mkosi has moved settings between sections over time; old trees still work, with a nudge.
                warnings.add(origin + ": " + s.name() + "= belongs in [" + s.section() + "], not [" + a.section()
                        + "]");
            }
            assign(s, a.value(), origin);
        }
    }

    private void assign(Setting<?> s, String text, Origin origin) {
        Slot slot = ranks.get(rank).computeIfAbsent(s.name(), k -> new Slot());
        if (text.isBlank()) {
            slot.reset = true;
            slot.items.clear();
            return;
        }
        List<String> items = Words.split(text, s.list() ? s.split() : Setting.Split.NONE, origin, s.name());
        if (!s.list()) {
            slot.items.clear();
            slot.reset = false;
        }
        try {
            for (String item : items) {
                String expanded = Specifiers.expand(item, origin, s.name(), lookup, invoked, start);
                slot.items.add(s.value(expanded, origin));
            }
        } catch (ConfigError e) {
            throw e.inSetting(s.name());
        }
    }

    // ---- resolution --------------------------------------------------------------------------------------

    /** A single setting as resolved so far: the highest rank that set it, else its default. */
    private String resolvedSingle(String name) {
        Setting<?> s = Settings.get(name);
        if (s.list()) {
            return String.join(" ", resolvedList(name).stream().map(Value::text).toList());
        }
        for (int r = COMMAND_LINE; r >= FILES; r--) {
            Slot slot = ranks.get(r).get(name);
            if (slot != null) {
                if (!slot.items.isEmpty()) {
                    return slot.items.get(slot.items.size() - 1).text();
                }
                break; // reset to the default on this rank
            }
        }
        List<String> d = s.fallback().of(lookup);
        return d.isEmpty() ? "" : d.get(0);
    }

    private List<Value> resolvedList(String name) {
        var out = new ArrayList<Value>();
        for (int r = FILES; r <= COMMAND_LINE; r++) {
            Slot slot = ranks.get(r).get(name);
            if (slot == null) {
                continue;
            }
            if (slot.reset && r != LOCAL) {
                // mkosi.local.conf is parsed before the files: its reset cleared only its own earlier items.
                out.clear();
            }
            out.addAll(slot.items);
        }
        return out;
    }

    private Optional<List<Value>> explicit(Setting<?> s) {
        boolean any = ranks.stream().anyMatch(m -> m.containsKey(s.name()));
        if (!any) {
            return Optional.empty();
        }
        if (s.list()) {
            return Optional.of(resolvedList(s.name()));
        }
        for (int r = COMMAND_LINE; r >= FILES; r--) {
            Slot slot = ranks.get(r).get(s.name());
            if (slot != null) {
                return slot.items.isEmpty() ? Optional.empty() : Optional.of(List.of(slot.items.get(slot.items.size() - 1)));
            }
        }
        return Optional.empty();
    }

    private Config result() {
        var explicit = new LinkedHashMap<String, List<Value>>();
        for (Setting<?> s : Settings.all()) {
            explicit(s).ifPresent(v -> explicit.put(s.name(), v));
        }
        for (MatchSeen m : matchesSeen) {
            String now = resolvedSingle(m.setting());
            if (!now.equals(m.seen())) {
                warnings.add(m.origin() + ": [Match] " + m.setting() + "= was evaluated as '" + m.seen()
                        + "' but a later file changed it to '" + now + "'");
            }
        }
        // A warning quotes what the file says (an unknown key may be 1 MB of escape codes): one printable line.
        warnings.replaceAll(w -> ConfigError.oneLine(w, 300));
        return new Config(project, explicit, files, new ArrayList<>(modules.values()), warnings, hostEnvironment);
    }

    // ---- [Match] -----------------------------------------------------------------------------------------

    /** Sections that hold conditions, not settings (REFERENCE §4). */
    private static final Set<String> CONDITION_SECTIONS = Set.of("Match", "TriggerMatch", "Assert", "TriggerAssert");

    /**
     * Evaluates a file's [Match]/[TriggerMatch] sections ({@code asserts} false) or its [Assert]/[TriggerAssert]
     * sections (true), as mkosi v26 {@code match_config} does: in one section plain conditions AND and
     * {@code |}-conditions OR; every [Match] section must hold; at least one [TriggerMatch] section must hold when
     * there is any. A failed assertion stops the load with an error naming the file:line.
     *
     * @return whether the file applies (always true for asserts that hold)
     */
    private boolean matches(IniFile ini, boolean asserts) {
        String plain = asserts ? "Assert" : "Match";
        String triggered = asserts ? "TriggerAssert" : "TriggerMatch";
        Boolean anySection = null; // any Trigger* section held; null: there was none
        int firstTriggerSection = 0;
        Boolean conditions = null; // the |-conditions of the current section; null: none seen yet
        boolean skip = false;
        IniFile.Section section = null;
        var entries = new ArrayList<IniFile.Entry>(ini.entries());
        entries.add(new IniFile.Section("", Integer.MAX_VALUE)); // the end of the last section
        for (IniFile.Entry e : entries) {
            if (e instanceof IniFile.Section next) {
                if (section != null && (section.name().equals(plain) || section.name().equals(triggered))) {
                    Origin where = Origin.at(ini.path(), section.line());
                    if (Boolean.FALSE.equals(conditions) && section.name().equals(plain)) {
                        if (asserts) {
                            throw new ConfigError(where, null, "none of the |-conditions of this [Assert] holds");
                        }
                        return false;
                    }
                    if (section.name().equals(triggered)) {
                        firstTriggerSection = firstTriggerSection == 0 ? section.line() : firstTriggerSection;
                        anySection = Boolean.TRUE.equals(anySection) || !Boolean.FALSE.equals(conditions);
                    }
                }
                section = next;
                conditions = null;
                skip = false;
                continue;
            }
            IniFile.Assignment a = (IniFile.Assignment) e;
            if (skip || !(a.section().equals(plain) || a.section().equals(triggered))) {
                continue;
            }
            String v = a.value().strip();
            boolean trigger = v.startsWith("|");
            if (trigger) {
                v = v.substring(1).strip();
            }
            boolean negate = v.startsWith("!");
            if (negate) {
                v = v.substring(1).strip();
            }
            Origin origin = a.origin(ini.path()).withBase(cwd());
            boolean holds = condition(a.key(), v, origin) != negate;
            if (trigger) {
                conditions = Boolean.TRUE.equals(conditions) || holds;
            } else if (!holds) {
                if (a.section().equals(triggered)) {
                    skip = true; // this section fails; another [Trigger...] section may still hold
                    conditions = false;
                } else if (asserts) {
                    throw new ConfigError(origin, a.key(), "[Assert] " + a.key() + "=" + a.value() + " does not hold");
                } else {
                    return false;
                }
            }
        }
        if (asserts && Boolean.FALSE.equals(anySection)) {
            throw new ConfigError(Origin.at(ini.path(), firstTriggerSection), null,
                    "none of the [TriggerAssert] sections holds");
        }
        return !Boolean.FALSE.equals(anySection);
    }

    private boolean condition(String key, String value, Origin origin) {
        String expanded = Specifiers.expand(value, origin, key, lookup, invoked, start);
        if (key.equals("PathExists")) {
            try {
                return Files.exists(ValueParser.resolve(expanded, origin));
            } catch (ConfigError e) {
                throw e.inSetting(key);
            }
        }
        Optional<Setting<?>> setting = Settings.byName(key);
        if (setting.isEmpty()) {
            setting = Settings.byCompatName(key);
            setting.ifPresent(s -> warnings.add(origin + ": Setting " + key + " is deprecated, please use " + s.name()
                    + " instead."));
        }
        if (setting.isEmpty()) {
            warnings.add(origin + ": unknown [Match] condition " + key + "=, treated as not matching");
            return false;
        }
        if (setting.get().matcher() == Setting.Matcher.NONE) {
            warnings.add(origin + ": " + key + "= cannot be used in [Match] (mkosi refuses it), treated as not"
                    + " matching");
            return false;
        }
        Setting<?> s = setting.get();
        String current = resolvedSingle(s.name());
        matchesSeen.add(new MatchSeen(s.name(), current, origin));
        return switch (s.matcher()) {
            case ENVIRONMENT -> {
                Map<String, String> env = Config.environmentOf(
                        resolvedList(s.name()).stream().map(Value::text).toList(), hostEnvironment);
                int eq = expanded.indexOf('=');
                yield eq < 0 ? env.containsKey(expanded)
                        : expanded.substring(eq + 1).equals(env.get(expanded.substring(0, eq)));
            }
            case BUILD_SOURCES -> {
                Path asPath = ValueParser.resolve(expanded, origin);
                String target = expanded.startsWith("/") ? expanded.substring(1) : expanded;
                yield resolvedList(s.name()).stream().map(v -> (BuildSource) v.typed())
                        .anyMatch(b -> b.target().equals(target) || b.source().equals(asPath));
            }
            // mkosi's list matcher: an empty value matches an empty list (`Profiles=` = no profile enabled).
            case LIST -> expanded.isEmpty() ? resolvedList(s.name()).isEmpty()
                    : resolvedList(s.name()).stream().anyMatch(v -> v.text().equals(expanded));
            case ARCHITECTURE -> expanded.equals("uefi")
                    ? Architecture.of(current).map(Architecture::hasUefi).orElse(false)
                    : s.value(expanded, origin).text().equals(current);
            case GLOB -> !current.isEmpty() && java.nio.file.FileSystems.getDefault()
                    .getPathMatcher("glob:" + expanded).matches(Path.of(current));
            case VERSION -> Versions.matches(expanded, current);
            default -> s.value(expanded, origin).text().equals(current);
        };
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static List<Path> sortedEntries(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new ConfigError(Origin.at(dir, 0), null, "cannot list directory: " + e.getMessage());
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
