package kimg.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Turns one raw item into a typed value, or rejects it with a {@link ConfigError} naming the place. Parsers are
 * small factories so that "a boolean", "one of these words" or "an existing path" is a property of a row in
 * {@link Settings}, not a branch in the loader or a check in a later stage: every value that reaches an argv or a
 * path is checked here (REVIEW §1, issue 11 item 2).
 *
 * @param <T> the value's type
 */
@FunctionalInterface
public interface ValueParser<T> {
    /** @throws ConfigError naming {@code origin} and {@code setting} when {@code raw} is not a valid value */
    T parse(String raw, Origin origin, String setting);

    /** The canonical text of a value, as {@code summary} shows it. */
    default String text(T value) {
        return String.valueOf(value);
    }

    ValueParser<String> STRING = (raw, origin, setting) -> raw;

    /** mkosi's booleans: 1/yes/true/on and 0/no/false/off, any case. */
    ValueParser<Boolean> BOOLEAN = (raw, origin, setting) -> {
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "1", "yes", "true", "on", "y":
                return true;
            case "0", "no", "false", "off", "n":
                return false;
            default:
                throw new ConfigError(origin, setting, "not a boolean: '" + raw + "' (use yes or no)");
        }
    };

    /**
     * RuntimeBuildSources=: a boolean as mkosi has it, kept as "true"/"false", or kimg's "rw" (build directories
     * writable by the guest; by default the host serves them read-only, so a guest cannot plant what the host builds).
     */
    ValueParser<String> BUILD_SHARES = (raw, origin, setting) -> raw.equalsIgnoreCase("rw") ? "rw"
            : BOOLEAN.parse(raw, origin, setting).toString();

    /** yes/no/auto, kept as those words (mkosi's ConfigFeature). */
    ValueParser<String> FEATURE = (raw, origin, setting) -> {
        String v = raw.toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return v;
        }
        return BOOLEAN.parse(raw, origin, setting) ? "yes" : "no";
    };

    ValueParser<Integer> POSITIVE_INT = (raw, origin, setting) -> {
        try {
            int n = Integer.parseInt(raw);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw new ConfigError(origin, setting, "not a positive integer: '" + raw + "'");
    };

    /** A size such as 2G, 512M or 1073741824 (bytes). */
    ValueParser<Bytes> SIZE = (raw, origin, setting) -> {
        try {
            return Bytes.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigError(origin, setting, "not a size: '" + raw + "' (e.g. 2G, 512M)");
        }
    };

    /** A TCP port (for the gdb stub and forwarded ports). */
    ValueParser<Integer> PORT = (raw, origin, setting) -> {
        int n = POSITIVE_INT.parse(raw, origin, setting);
        if (n > 65535) {
            throw new ConfigError(origin, setting, "not a port: '" + raw + "'");
        }
        return n;
    };

    ValueParser<Distribution> DISTRIBUTION = enumeration(Distribution::of, Distribution.values());
    ValueParser<Architecture> ARCHITECTURE = enumeration(Architecture::of, Architecture.values());
    ValueParser<Ssh> SSH = enumeration(Ssh::of, Ssh.values());

    /**
     * A distribution release name (bookworm, 41, 9, 3.0, kali-rolling): it becomes an mmdebstrap/dnf argument
     * and part of the build and cache directory names, so it can be neither an option nor a path.
     */
    ValueParser<String> RELEASE = matching("[A-Za-z0-9][A-Za-z0-9._-]*",
            "not a release name (letters, digits, '.', '_' and '-', starting with a letter or digit)");

    /** A version (ImageVersion=): it names output files, so it is no path and no option. */
    ValueParser<String> VERSION = matching("[A-Za-z0-9][A-Za-z0-9._~+^-]*",
            "not a version (letters, digits and '.', '_', '~', '+', '^', '-')");

    /** A mirror URL: it is a package manager's argument, so a scheme is required and options cannot sneak in. */
    ValueParser<String> URL = matching("[A-Za-z][A-Za-z0-9+.-]*://[^\\s\\x00-\\x1f\\x7f]+",
            "not a URL (scheme://host/path, no blanks)");

    /** A package name, a path to a package file, or an rpm "(a or b)" dependency: never an option. */
    ValueParser<String> PACKAGE = matching("[A-Za-z0-9_/(@][^\\s,\\x00-\\x1f\\x7f]*",
            "not a package name (it cannot start with '-' or hold blanks; mkosi separates packages with commas or line ends, not blanks)");

    /** A repository id or archive component (contrib, epel, updates-testing). */
    ValueParser<String> REPOSITORY = matching("[A-Za-z0-9][A-Za-z0-9._:+@-]*",
            "not a repository name (letters, digits, '.', '_', ':', '+', '@' and '-'; mkosi separates them with commas or line ends)");

    /** An RFC 1123 host name label, as the guest's /etc/hostname takes it. */
    ValueParser<String> HOSTNAME = matching("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?",
            "not a valid hostname (letters, digits and '-', at most 63)");

    /** A plain file name in a directory kimg owns: no '/', not '.'-hidden (kimg's own files start with '.'). */
    ValueParser<String> FILE_NAME = matching("[A-Za-z0-9_][A-Za-z0-9._+@~-]*",
            "not a plain file name (no '/', not starting with '.' or '-')");

    /**
     * A git revision (KernelRef=, bisect's GOOD and BAD): a tag, branch, SHA or {@code origin/master}. It becomes a
     * git argument, so it cannot start with '-', and ".." (a range) and blanks are refused.
     */
    ValueParser<String> GIT_REF = matching("(?!.*\\.\\.)(?!.*\\.lock$)[A-Za-z0-9_][A-Za-z0-9._/+~^@-]*(?<!/)",
            "not a git ref (a tag, branch or SHA: letters, digits and '.', '_', '/', '+', '~', '^', '@', '-')");

    /** A mail's Message-ID (KernelSeries=), with or without the angle brackets, for b4 am. */
    ValueParser<String> MESSAGE_ID = matching("<?[A-Za-z0-9_][A-Za-z0-9._+=$%&!#*/?^{|}~-]*@[A-Za-z0-9][A-Za-z0-9.-]*>?",
            "not a message-id (local@domain)");

    /**
     * KernelLabel=: the readable part of a kernel's identity, at most 40 characters that may stand in a kernel
     * release (it becomes part of CONFIG_LOCALVERSION, the modules directory and the build directory's name).
     */
    ValueParser<String> KERNEL_LABEL = matching("[A-Za-z0-9][A-Za-z0-9._+-]{0,39}",
            "not a kernel label (1-40 letters, digits, '.', '_', '+' and '-', starting with a letter or digit)");

    /**
     * A CompileFarm= item: {@code distcc:HOST[:PORT][/LIMIT]} (a host name or address, never an option) or
     * {@code icecream[/JOBS]}.
     */
    ValueParser<String> COMPILE_FARM = matching(
            "distcc:[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]{1,5})?(/[1-9][0-9]{0,2})?|icecream(/[1-9][0-9]{0,2})?",
            "not a compile farm (distcc:HOST[:PORT][/LIMIT] or icecream[/JOBS])");

    /** Environment=: K=V, or a bare K taken from kimg's own environment when it is resolved. */
    ValueParser<String> ENVIRONMENT = (raw, origin, setting) -> {
        int eq = raw.indexOf('=');
        String key = eq < 0 ? raw : raw.substring(0, eq);
        if (!Pattern.matches("[A-Za-z_][A-Za-z0-9_]*", key)) {
            throw new ConfigError(origin, setting, "not an environment variable name: '" + key + "'");
        }
        return raw;
    };

    /** Text that must match {@code regex} in full; {@code what} says what it should be. */
    static ValueParser<String> matching(String regex, String what) {
        Pattern p = Pattern.compile(regex);
        return (raw, origin, setting) -> {
            if (!p.matcher(raw).matches()) {
                throw new ConfigError(origin, setting, what + ": '" + raw + "'");
            }
            return raw;
        };
    }

    /** One of {@code choices}, any case; kept lower-case. */
    static ValueParser<String> oneOf(String... choices) {
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

    /** One of an enum's values by its text; the error lists them all. */
    static <E> ValueParser<E> enumeration(Function<String, java.util.Optional<E>> of, E[] all) {
        return (raw, origin, setting) -> of.apply(raw).orElseThrow(() -> new ConfigError(origin, setting,
                "unknown value '" + raw + "' (expected one of: "
                        + String.join(", ", Arrays.stream(all).map(String::valueOf).toList()) + ")"));
    }

    /** A path, made absolute against the directory of the file that wrote it (or kimg's start directory). */
    static ValueParser<Path> path(boolean mustExist) {
        return (raw, origin, setting) -> {
            Path p = resolve(raw, origin);
            if (mustExist && origin.checksHost() && !Files.exists(p)) {
                throw new ConfigError(origin, setting, "path does not exist: " + p);
            }
            return p;
        };
    }

    /** {@code SRC[:TARGET]} of BuildSources=: SRC an existing directory, TARGET a module name. */
    ValueParser<BuildSource> BUILD_SOURCE = (raw, origin, setting) -> {
        int colon = raw.indexOf(':');
        String target = colon < 0 ? "" : raw.substring(colon + 1);
        Path src = existingSource(colon < 0 ? raw : raw.substring(0, colon), raw, origin, setting);
        if (!target.isEmpty() && !Pattern.matches("/?[A-Za-z0-9_][A-Za-z0-9._+-]*", target)) {
            throw new ConfigError(origin, setting, "target must be a module name, not a path: '" + target + "'");
        }
        return new BuildSource(src, target.startsWith("/") ? target.substring(1) : target, origin);
    };

    /**
     * {@code SRC[:DST]} (ExtraTrees=) or {@code SRC[:DST][:ro]} (RuntimeTrees=): SRC exists; DST a path that can
     * travel on the kernel command line (kimg.mounts= is TAG:PATH[:ro] items joined by commas), made absolute
     * against {@code relativeTo}.
     */
    static ValueParser<Tree> tree(boolean readOnlyFlag, String relativeTo) {
        return (raw, origin, setting) -> {
            int colon = raw.indexOf(':');
            String rest = colon < 0 ? "" : raw.substring(colon + 1);
            Path src = existingSource(colon < 0 ? raw : raw.substring(0, colon), raw, origin, setting);
            boolean ro = false;
            if (readOnlyFlag && (rest.equals("ro") || rest.endsWith(":ro"))) {
                ro = true;
                rest = rest.equals("ro") ? "" : rest.substring(0, rest.length() - 3);
            }
            if (rest.matches(".*[\\s,:].*")) {
                throw new ConfigError(origin, setting, "target must be a path with no blank, ',' or ':': '" + rest
                        + "'");
            }
            // A relative target is relative to relativeTo (mkosi: RuntimeTrees= under /root/src).
            String target = rest.isEmpty() ? "" : Path.of(relativeTo).resolve(rest).normalize().toString();
            return new Tree(src, target, ro);
        };
    }

    private static Path existingSource(String src, String raw, Origin origin, String setting) {
        if (src.isEmpty()) {
            throw new ConfigError(origin, setting, "missing source path in '" + raw + "'");
        }
        Path p = resolve(src, origin);
        if (origin.checksHost() && !Files.exists(p)) {
            throw new ConfigError(origin, setting, "source does not exist: " + p);
        }
        return p;
    }

    /**
     * A path that may start with mkosi's delayed {@code &b} (expanded after parsing: {@link Config#linux()}), kept
     * as written then (a relative Path); otherwise an existing path like {@link #path(boolean)}.
     */
    ValueParser<Path> DELAYED_PATH = (raw, origin, setting) -> raw.startsWith("&") ? Path.of(raw)
            : path(true).parse(raw, origin, setting);

    static Path resolve(String raw, Origin origin) {
        Path base = origin != null && origin.directory() != null ? origin.directory() : Path.of("").toAbsolutePath();
        String expanded = raw.startsWith("~/") ? System.getProperty("user.home") + raw.substring(1) : raw;
        try {
            return base.resolve(expanded).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            // A NUL byte, or (under a non-UTF-8 locale) a character the JVM cannot encode as a file name.
            throw new ConfigError(origin, null, "not a usable path: " + ConfigError.quote(raw) + " (" + e.getReason()
                    + ")");
        }
    }
}
