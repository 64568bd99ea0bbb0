package kimg.config;

import java.nio.file.Path;

/**
 * mkosi's specifiers, expanded when a value is read: {@code %d} distribution, {@code %r} release, {@code %a}
 * architecture, {@code %t} format, {@code %o} output name, {@code %O} output directory, {@code %C} directory of the
 * file being read, {@code %P} the project (working) directory, {@code %D} the directory kimg was started in,
 * {@code %%} a percent sign. Values come from what is resolved so far, as in mkosi.
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
                case 'd' -> sb.append(resolved.get("Distribution"));
                case 'r' -> sb.append(resolved.get("Release"));
                case 'a' -> sb.append(resolved.get("Architecture"));
                case 't' -> sb.append(resolved.get("Format"));
                case 'o' -> sb.append(resolved.get("Output"));
                case 'O' -> sb.append(project.resolve(resolved.get("OutputDirectory")).normalize());
                case 'C' -> sb.append(origin.directory() != null ? origin.directory() : start);
                case 'P' -> sb.append(project);
                case 'D' -> sb.append(start);
                default -> throw new ConfigError(origin, setting, "unknown specifier '%" + s + "'");
            }
        }
        return sb.toString();
    }
}
