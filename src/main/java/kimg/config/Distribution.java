package kimg.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Every distribution mkosi v26 knows (mkosi/distribution/), with kimg's default release and whether kimg can
 * build it. A distribution kimg cannot build is still a valid value: [Match] conditions and {@code summary} take
 * it, {@code build} refuses it up front (see {@link Setting.Limit}).
 */
public enum Distribution {
    FEDORA("fedora", "41", Family.RPM, true),
    DEBIAN("debian", "bookworm", Family.APT, true),
    KALI("kali", "kali-rolling", Family.APT, false),
    UBUNTU("ubuntu", "noble", Family.APT, true),
    POSTMARKETOS("postmarketos", "edge", Family.OTHER, false),
    ARCH("arch", "rolling", Family.OTHER, false),
    OPENSUSE("opensuse", "tumbleweed", Family.RPM, false),
    MAGEIA("mageia", "cauldron", Family.RPM, false),
    CENTOS("centos", "9", Family.RPM, true),
    RHEL("rhel", "10", Family.RPM, false),
    RHEL_UBI("rhel-ubi", "10", Family.RPM, false),
    OPENMANDRIVA("openmandriva", "cooker", Family.RPM, false),
    ROCKY("rocky", "10", Family.RPM, false),
    ALMA("alma", "10", Family.RPM, false),
    AZURE("azure", "3.0", Family.RPM, false),
    CUSTOM("custom", "", Family.OTHER, false);

    /** The package format family: which architecture names its packages use. */
    public enum Family {
        APT,
        RPM,
        OTHER
    }

    private final String text;
    private final String defaultRelease;
    private final Family family;
    private final boolean buildable;

    Distribution(String text, String defaultRelease, Family family, boolean buildable) {
        this.text = text;
        this.defaultRelease = defaultRelease;
        this.family = family;
        this.buildable = buildable;
    }

    /** mkosi's spelling (case-insensitive, as mkosi's enum parser). */
    public static Optional<Distribution> of(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (Distribution d : values()) {
            if (d.text.equals(t)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The release used when Release= is not set (kimg's choice for the four it builds, mkosi's otherwise). */
    public String defaultRelease() {
        return defaultRelease;
    }

    public Family family() {
        return family;
    }

    /** Debian and Ubuntu: mmdebstrap builds the tree; the others kimg builds use dnf. */
    public boolean buildable() {
        return buildable;
    }

    @Override
    public String toString() {
        return text;
    }
}
