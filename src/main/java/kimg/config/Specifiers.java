package kimg.config;

import java.nio.file.Path;

/**
 * mkosi's specifiers, expanded when a value is read. Setting specifiers come from the table's specifier column
 * ({@code %d} Distribution=, {@code %r} Release=, {@code %a}, {@code %t}, {@code %o}, {@code %O} made absolute
 * against the project, {@code %i}, {@code %v}); the rest are places: {@code %C} directory of the file being read,
 * {@code %P} the project (working) directory, {@code %D} the directory kimg was started in, {@code %%} a percent
 * sign. Values come from what is resolved so far, as in mkosi.
 */
public final class Specifiers {
    private Specifiers() {}

    public static String expand(String text, Origin origin, String setting, Setting.Lookup resolved, Path project,
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
                case 'C' -> sb.append(origin.directory() != null ? origin.directory() : start);
                case 'P' -> sb.append(project);
                case 'D' -> sb.append(start);
                default -> {
                    Setting<?> row = Settings.bySpecifier(s).orElseThrow(
                            () -> new ConfigError(origin, setting, "unknown specifier '%" + s + "'"));
                    String value = resolved.get(row.name());
                    // A path setting's value may still be relative (its default): specifiers give absolute paths.
                    sb.append(row.equals(Settings.OUTPUT_DIRECTORY) ? project.resolve(value).normalize() : value);
                }
            }
        }
        return sb.toString();
    }
}
