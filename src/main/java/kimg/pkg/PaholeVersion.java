package kimg.pkg;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pahole's version, checked before a BTF build: DWARF5 debug info (the shipped config's DEBUG_INFO_DWARF5) needs
 * pahole 1.21 or later, and older ones fail late in the link of vmlinux with an opaque BTF error.
 */
public final class PaholeVersion {
    /** The oldest pahole that reads DWARF5 (dwarves 1.21 changelog). */
    public static final int MINIMUM = 121;

    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)");

    private PaholeVersion() {}

    /** "v1.24" → 124 (the form kconfig records as CONFIG_PAHOLE_VERSION); empty when unreadable. */
    public static Optional<Integer> parse(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput.strip());
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2)));
    }

    /** Empty when usable for BTF; otherwise the line to print. */
    public static Optional<String> problem(String versionOutput) {
        Optional<Integer> v = parse(versionOutput);
        if (v.isEmpty()) {
            return Optional.of("cannot read pahole's version from '" + versionOutput.strip() + "'");
        }
        if (v.get() < MINIMUM) {
            return Optional.of("pahole " + versionOutput.strip() + " is too old for BTF with DWARF5: 1.21 or later"
                    + " is needed (package dwarves)");
        }
        return Optional.empty();
    }
}
