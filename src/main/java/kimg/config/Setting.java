package kimg.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the settings table, typed by the value its items parse to ({@code Setting<Bytes>} for RAM=,
 * {@code Setting<BuildSource>} for BuildSources=). Everything else about a setting is derived from the row: its
 * INI key and old names, its command-line flags, its specifier, how [Match] compares it, the caches it shapes,
 * what kimg can build or boot, its summary line and JSON key. Adding a setting is one row in {@link Settings}.
 *
 * @param name          INI key and JSON key; {@code --kebab-case(name)} is always a flag
 * @param section       the section it belongs in; {@code otherSections} are accepted too (shared keys)
 * @param otherSections further sections it is accepted in without a warning
 * @param list          list settings append and reset on an empty assignment; single ones are replaced
 * @param split         how a list value is cut into items
 * @param parser        validates one item and turns it into a {@code T}; every check of a value lives here
 * @param fallback      the value used when nothing sets it (may depend on other settings), as text to parse
 * @param compatNames   old INI names mkosi still reads (QemuMem for RAM), each with a deprecation warning
 * @param longs         further long flags without {@code --}: mkosi's spellings ({@code package} for Packages=)
 *                      and its old ones ({@code qemu-mem})
 * @param shortFlag     a one-letter flag with its dash ({@code -p}), or null
 * @param specifier     the {@code %x} letter that expands to this setting's value, or 0
 * @param matcher       how a [Match] condition on this setting is evaluated
 * @param caches        the caches whose key includes this setting's value
 * @param limit         what kimg refuses to build or boot although mkosi accepts the value (Distribution=arch)
 * @param help          one line for {@code --help}
 */
public record Setting<T>(
        String name,
        String section,
        List<String> otherSections,
        boolean list,
        Split split,
        ValueParser<T> parser,
        Default fallback,
        List<String> compatNames,
        List<String> longs,
        String shortFlag,
        char specifier,
        Matcher matcher,
        Set<Cache> caches,
        Limit<T> limit,
        String help) {

    /** How the text of a list assignment is cut into items. */
    public enum Split {
        /**
         * commas and line ends only, as mkosi v26 splits every list (Packages=, Repositories=, Profiles=, paths):
         * {@code Packages=vim less} is one (invalid) package there, never two
         */
        COMMAS,
        /** like a shell splits words, quotes respected (QemuArgs=, Environment=) */
        SHELL,
        /**
         * whitespace only, double-quoted spans kept whole and quoted, as the kernel reads its command line
         * ({@code console=ttyS0,115200} is one parameter; mkosi splits KernelCommandLine= on spaces only)
         */
        KERNEL,
        /** the whole value is one item (single settings) */
        NONE
    }

    /** How a [Match] condition on the setting is evaluated (mkosi's {@code match=} column). */
    public enum Matcher {
        /** not allowed in [Match] (mkosi: "cannot be used in [Match]") */
        NONE,
        /** the condition is parsed like a value and compared with the resolved value */
        VALUE,
        /** any item of the resolved list equals the condition */
        LIST,
        /** a glob (`*`, `?`, `[...]`) against the resolved value (ImageId=) */
        GLOB,
        /** a value, or {@code uefi}: any architecture that has UEFI */
        ARCHITECTURE,
        /** {@code K} (set) or {@code K=V} against Environment= */
        ENVIRONMENT,
        /** a target name (with or without a leading /) or a source path */
        BUILD_SOURCES,
        /** a version, optionally prefixed by an operator ({@code >=254}) */
        VERSION
    }

    /**
     * A cache whose key is derived from the rows that name it. Packages= and BuildPackages= are not rows of it:
     * they shape the trees through the sorted set of packages really installed (with what the guest needs),
     * which the cache key holds itself.
     */
    public enum Cache {
        /** the cached distribution tree of the final image (image/RootfsCacheKey) */
        ROOTFS,
        /** the cached tree that build scripts run in: ROOTFS rows plus these */
        BUILD_TREE,
        /** the assembled image output: redone when any of these changes, without a new distribution tree */
        OUTPUT
    }

    /** What a verb is about to do with the configuration: build an image, or also boot it. */
    public enum Use {
        BUILD,
        BOOT
    }

    /** A value mkosi accepts but kimg cannot use for {@code use}: the reason, or empty when it can. */
    @FunctionalInterface
    public interface Limit<T> {
        Optional<String> refuse(T value, Use use);

        static <T> Limit<T> none() {
            return (v, u) -> Optional.empty();
        }
    }

    /** A default that may depend on other settings' resolved values (Release= on Distribution=). */
    @FunctionalInterface
    public interface Default {
        List<String> of(Lookup resolved);

        static Default none() {
            return r -> List.of();
        }

        static Default of(String value) {
            return r -> List.of(value);
        }
    }

    /** Read access to single values resolved so far, for defaults, specifiers and [Match]. */
    @FunctionalInterface
    public interface Lookup {
        String get(String name);
    }

    public Setting {
        otherSections = List.copyOf(otherSections);
        compatNames = List.copyOf(compatNames);
        longs = List.copyOf(longs);
        caches = Set.copyOf(caches);
    }

    static <T> Setting<T> single(String name, String section, ValueParser<T> parser, Default fallback, String help) {
        return new Setting<>(name, section, List.of(), false, Split.NONE, parser, fallback, List.of(), List.of(), null,
                (char) 0, Matcher.VALUE, Set.of(), Limit.none(), help);
    }

    static <T> Setting<T> list(String name, String section, Split split, ValueParser<T> parser, String help) {
        return new Setting<>(name, section, List.of(), true, split, parser, Default.none(), List.of(), List.of(), null,
                (char) 0, Matcher.LIST, Set.of(), Limit.none(), help);
    }

    // Column setters for the table: each returns the row with one column changed.

    Setting<T> alsoIn(String... sections) {
        return new Setting<>(name, section, List.of(sections), list, split, parser, fallback, compatNames, longs,
                shortFlag, specifier, matcher, caches, limit, help);
    }

    Setting<T> compat(String... oldNames) {
        return new Setting<>(name, section, otherSections, list, split, parser, fallback, List.of(oldNames), longs,
                shortFlag, specifier, matcher, caches, limit, help);
    }

    /** Extra long flags (without dashes) and an optional short flag ({@code "-p"}; null for none). */
    Setting<T> flags(String shortName, String... longNames) {
        return new Setting<>(name, section, otherSections, list, split, parser, fallback, compatNames,
                List.of(longNames), shortName, specifier, matcher, caches, limit, help);
    }

    Setting<T> specifier(char letter) {
        return new Setting<>(name, section, otherSections, list, split, parser, fallback, compatNames, longs,
                shortFlag, letter, matcher, caches, limit, help);
    }

    Setting<T> matcher(Matcher m) {
        return new Setting<>(name, section, otherSections, list, split, parser, fallback, compatNames, longs,
                shortFlag, specifier, m, caches, limit, help);
    }

    Setting<T> shapes(Cache... c) {
        return new Setting<>(name, section, otherSections, list, split, parser, fallback, compatNames, longs,
                shortFlag, specifier, matcher, Set.of(c), limit, help);
    }

    Setting<T> limit(Limit<T> l) {
        return new Setting<>(name, section, otherSections, list, split, parser, fallback, compatNames, longs,
                shortFlag, specifier, matcher, caches, l, help);
    }

    public boolean inSection(String s) {
        return section.equals(s) || otherSections.contains(s);
    }

    /** {@code BuildSources} → {@code build-sources}, {@code RAM} → {@code ram}, {@code CPUs} → {@code cpus}. */
    public String flag() {
        return kebab(name);
    }

    /** Every long flag of the setting, without dashes: its own kebab-case name first, then {@link #longs}. */
    public List<String> allLongFlags() {
        var out = new java.util.ArrayList<String>();
        out.add(flag());
        longs.stream().filter(l -> !out.contains(l)).forEach(out::add);
        return out;
    }

    /** Parses one item (already split and specifier-expanded) into its canonical text and typed value. */
    Value value(String raw, Origin origin) {
        T typed = parser.parse(raw, origin, name);
        return new Value(parser.text(typed), origin, typed);
    }

    /** The reason kimg cannot {@code use} this value, if any. */
    @SuppressWarnings("unchecked")
    Optional<String> refusal(Value v, Use use) {
        return limit.refuse((T) v.typed(), use);
    }

    static String kebab(String name) {
        var sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean upper = Character.isUpperCase(c);
            boolean prevLower = i > 0 && Character.isLowerCase(name.charAt(i - 1));
            boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
            boolean prevUpper = i > 0 && Character.isUpperCase(name.charAt(i - 1));
            // A new word starts at an upper-case letter after a lower-case one, or at the last capital of an
            // acronym followed by lower case ("QEMUArgs" → "qemu-args"); but a trailing "s" stays ("CPUs").
            if (upper && i > 0 && (prevLower || (prevUpper && nextLower && !name.substring(i + 1).equals("s")))) {
                sb.append('-');
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
