package kimg.config;

import java.nio.file.Path;

/**
 * mkosi v26's specifiers, expanded when a value is read, from what is resolved so far (REFERENCE §5). Setting
 * specifiers come from the table's specifier column ({@code %d} Distribution=, {@code %r} Release=, {@code %a},
 * {@code %t}, {@code %o}, {@code %O} made absolute against the -C directory, {@code %i}, {@code %v}); the rest:
 * {@code %F} the distribution's default file system (mkosi's {@code installer.filesystem()}: btrfs for fedora and
 * opensuse, xfs for centos, else ext4), {@code %I} the image name (always {@code main}: kimg builds no subimages),
 * {@code %C} the directory of the file being read, {@code %P} the working directory of the parse (the directory
 * whose mkosi.conf is being read; for a plain file in mkosi.conf.d/ that is the parent directory, not the file's
 * own), {@code %D} the directory kimg was started for ({@code -C}), {@code %%} a percent sign.
 *
 * <p>The delayed {@code &} specifiers are not expanded here: mkosi keeps them in the value and expands them after
 * parsing ({@code &b} in {@code Linux=}, see {@link Config#linux()}).
 */
public final class Specifiers {
    private Specifiers() {}

    /**
     * @param directory the {@code -C} directory (%D)
     * @param start     where kimg was started (%C and %P for values from the command line)
     */
    public static String expand(String text, Origin origin, String setting, Setting.Lookup resolved, Path directory,
            Path start) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        var sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= text.length()) {
                throw new ConfigError(origin, setting, "'%' at the end of the value (write %% for a percent sign)");
            }
            char s = text.charAt(++i);
            switch (s) {
                case '%' -> sb.append('%');
                case 'F' -> sb.append(filesystem(resolved.get("Distribution")));
                case 'I' -> sb.append("main");
                case 'C' -> sb.append(realDirectory(origin.fileDirectory() != null ? origin.fileDirectory() : start));
                case 'P' -> sb.append(origin.directory() != null ? origin.directory() : start);
                case 'D' -> sb.append(directory);
                default -> {
                    Setting<?> row = Settings.bySpecifier(s).orElseThrow(
                            () -> new ConfigError(origin, setting, "unknown specifier '%" + s + "'"));
                    String value = resolved.get(row.name());
                    // A path setting's value may still be relative (its default): specifiers give absolute paths.
                    sb.append(row.equals(Settings.OUTPUT_DIRECTORY) ? directory.resolve(value).normalize() : value);
                }
            }
        }
        return sb.toString();
    }

    /** mkosi v26 {@code Distribution.installer.filesystem()}: the root file system a disk image gets. */
    static String filesystem(String distribution) {
        return switch (distribution) {
            case "fedora", "opensuse" -> "btrfs";
            case "centos" -> "xfs";
            default -> "ext4";
        };
    }

    private static Path realDirectory(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
