package kimg.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one raw item into its canonical text, or rejects it with a {@link ConfigError} naming the place.
 * Parsers are small factories so that "a boolean", "one of these words" or "an existing path" is a property of a
 * row in {@link Settings}, not a branch in the loader.
 */
@FunctionalInterface
public interface ValueParser {
    String parse(String raw, Origin origin, String setting);

    ValueParser STRING = (raw, origin, setting) -> raw;

    /** mkosi's booleans: 1/yes/true/on and 0/no/false/off, any case. */
    ValueParser BOOLEAN = (raw, origin, setting) -> {
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "1", "yes", "true", "on", "y":
                return "true";
            case "0", "no", "false", "off", "n":
                return "false";
            default:
                throw new ConfigError(origin, setting, "not a boolean: '" + raw + "' (use yes or no)");
        }
    };

    /** yes/no/auto, kept as those words. */
    ValueParser FEATURE = (raw, origin, setting) -> {
        String v = raw.toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return v;
        }
        return BOOLEAN.parse(raw, origin, setting).equals("true") ? "yes" : "no";
    };

    ValueParser POSITIVE_INT = (raw, origin, setting) -> {
        try {
            int n = Integer.parseInt(raw);
            if (n > 0) {
                return Integer.toString(n);
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new ConfigError(origin, setting, "not a positive integer: '" + raw + "'");
    };

    /** A size such as 2G, 512M or 1073741824 (bytes); kept as written with an upper-case unit. */
    ValueParser SIZE = (raw, origin, setting) -> {
        if (!Pattern.matches("(?i)[0-9]+[KMGT]?", raw)) {
            throw new ConfigError(origin, setting, "not a size: '" + raw + "' (e.g. 2G, 512M)");
        }
        return raw.toUpperCase(Locale.ROOT);
    };

    /** A TCP port (for the gdb stub and forwarded ports). */
    ValueParser PORT = (raw, origin, setting) -> {
        String n = POSITIVE_INT.parse(raw, origin, setting);
        if (Integer.parseInt(n) > 65535) {
            throw new ConfigError(origin, setting, "not a port: '" + raw + "'");
        }
        return n;
    };

    static ValueParser oneOf(String... choices) {
        Set<String> allowed = Set.of(choices);
        return (raw, origin, setting) -> {
            String v = raw.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new ConfigError(origin, setting, "unknown value '" + raw + "' (expected one of: "
                        + String.join(", ", List.of(choices)) + ")");
            }
            return v;
        };
    }

    /** A path, made absolute against the directory of the file that wrote it (or kimg's start directory). */
    static ValueParser path(boolean mustExist) {
        return (raw, origin, setting) -> {
            Path p = resolve(raw, origin);
            if (mustExist && !Files.exists(p)) {
                throw new ConfigError(origin, setting, "path does not exist: " + p);
            }
            return p.toString();
        };
    }

    /** {@code SRC[:TARGET]}: SRC must exist, TARGET is a module name (BuildSources=) or a guest path. */
    static ValueParser sourceTarget(boolean targetIsName) {
        return (raw, origin, setting) -> {
            int colon = raw.indexOf(':');
            String src = colon < 0 ? raw : raw.substring(0, colon);
            String rest = colon < 0 ? "" : raw.substring(colon + 1);
            if (src.isEmpty()) {
                throw new ConfigError(origin, setting, "missing source path in '" + raw + "'");
            }
            Path p = resolve(src, origin);
            if (!Files.exists(p)) {
                throw new ConfigError(origin, setting, "source does not exist: " + p);
            }
            if (targetIsName && rest.contains("/")) {
                throw new ConfigError(origin, setting, "target must be a module name, not a path: '" + rest + "'");
            }
            return rest.isEmpty() ? p.toString() : p + ":" + rest;
        };
    }

    /** Environment=: K=V, or a bare K taken from kimg's own environment when it is resolved. */
    ValueParser ENVIRONMENT = (raw, origin, setting) -> {
        int eq = raw.indexOf('=');
        String key = eq < 0 ? raw : raw.substring(0, eq);
        if (!Pattern.matches("[A-Za-z_][A-Za-z0-9_]*", key)) {
            throw new ConfigError(origin, setting, "not an environment variable name: '" + key + "'");
        }
        return raw;
    };

    /**
     * A path that may hold mkosi's delayed specifiers ({@code &b}, expanded after parsing: {@link Config#linux()}),
     * kept as written then; otherwise an existing path like {@link #path(boolean)}.
     */
    ValueParser DELAYED_PATH = (raw, origin, setting) -> raw.startsWith("&") ? raw : path(true).parse(raw, origin,
            setting);

    /** A profile name (mkosi v26 {@code parse_profile}): a file name, no path components. */
    ValueParser PROFILE = (raw, origin, setting) -> {
        if (raw.contains("/") || raw.equals(".") || raw.equals("..")) {
            throw new ConfigError(origin, setting, "'" + raw + "' is not a valid profile (a name, not a path)");
        }
        return raw;
    };

    static Path resolve(String raw, Origin origin) {
        Path base = origin != null && origin.directory() != null ? origin.directory() : Path.of("").toAbsolutePath();
        String expanded = raw.startsWith("~/") ? System.getProperty("user.home") + raw.substring(1) : raw;
        return base.resolve(expanded).toAbsolutePath().normalize();
    }
}
