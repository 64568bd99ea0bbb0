package kimg.config;

import java.util.List;
import java.util.Locale;

/**
 * One row of the settings table. Everything else about a setting (its INI key and section, its
 * {@code --kebab-case} flag, its summary line and JSON key, whether it appends or replaces) is derived from this.
 *
 * @param name     INI key, JSON key and (in kebab case) the command-line flag
 * @param section  the section it belongs in; {@code otherSections} are accepted too (old names, shared keys)
 * @param list     list settings append and reset on an empty assignment; single ones are replaced
 * @param split    how a list value is cut into items
 * @param parser   validates and canonicalises one item
 * @param fallback the value used when nothing sets it (may depend on other settings)
 */
public record Setting(
        String name,
        String section,
        List<String> otherSections,
        boolean list,
        Split split,
        ValueParser parser,
        Default fallback,
        String help) {

    /** How the text of a list assignment is cut into items. */
    public enum Split {
        /** whitespace or commas */
        WORDS,
        /** commas and line ends only, as mkosi v26 splits path lists: a path may contain spaces */
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

    /** Read access to single values resolved so far, for defaults and [Match]. */
    @FunctionalInterface
    public interface Lookup {
        String get(String name);
    }

    public boolean inSection(String s) {
        return section.equals(s) || otherSections.contains(s);
    }

    /** {@code BuildSources} → {@code build-sources}, {@code RAM} → {@code ram}, {@code CPUs} → {@code cpus}. */
    public String flag() {
        return kebab(name);
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
