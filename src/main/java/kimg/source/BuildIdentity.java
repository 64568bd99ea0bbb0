package kimg.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kimg.fs.Sha256;

/**
 * A kernel build's content address: what was compiled and how, independent of where, when and through which
 * compiler wrapper. {@code name()} is {@code <readable>-<8 hex>} (e.g. {@code v6.1.150-3fa2b1c0}); it is baked into
 * CONFIG_LOCALVERSION (so {@code uname -r} in the guest says which build runs) and names the build's entry in the
 * {@link KernelStore}.
 *
 * @param readable the ref, series or label part (release characters only, at most {@value #MAX_READABLE})
 * @param hash     hex SHA-256 of the inputs (see {@link #of})
 */
public record BuildIdentity(String readable, String hash) {
    /** The readable part's limit: the release (version + "-" + readable + "-" + 8 hex) stays well under 64. */
    public static final int MAX_READABLE = 40;

    /**
     * @param readable      the readable part, already made of release characters ({@link #readableOf})
     * @param sourceTree    the git tree hash of the sources as built (after patches; with uncommitted changes)
     * @param dotConfig     the final .config's lines; CONFIG_LOCALVERSION(_AUTO) is left out: it is set from the
     *                      identity
     * @param makeVariables the make variables; LOCALVERSION= and CC= are left out: CC= only names the compiler
     *                      (possibly behind ccache, distcc or icecc, which do not change what is built), and the
     *                      compiler itself is in the .config's CONFIG_CC_VERSION_TEXT
     * @param arch          kbuild's ARCH
     */
    public static BuildIdentity of(String readable, String sourceTree, List<String> dotConfig,
            List<String> makeVariables, String arch) {
        var text = new StringBuilder();
        text.append("source ").append(sourceTree).append('\n');
        text.append("arch ").append(arch).append('\n');
        for (String v : makeVariables) {
            if (!v.startsWith("LOCALVERSION=") && !v.startsWith("CC=")) {
                text.append("make ").append(v).append('\n');
            }
        }
        for (String line : dotConfig) {
            if (!isLocalVersionLine(line)) {
                text.append("config ").append(line).append('\n');
            }
        }
        return new BuildIdentity(readable, Sha256.of(text.toString()));
    }

    /**
     * The identity a build directory's .config was built with, from its CONFIG_LOCALVERSION ({@code -<name>}), as
     * {@code -i} keeps it; empty when it holds none.
     */
    public static java.util.Optional<BuildIdentity> ofLocalVersion(String localVersion) {
        return localVersion.startsWith("-") ? ofName(localVersion.substring(1)) : java.util.Optional.empty();
    }

    /**
     * A {@link #name()} read back ({@code <readable>-<8 hex>}, as a store entry or a build directory's mark names
     * it); its hash is the 8 hex digits only. Empty when {@code name} has no such shape.
     */
    public static java.util.Optional<BuildIdentity> ofName(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+)-([0-9a-f]{8})").matcher(name);
        return m.matches() ? java.util.Optional.of(new BuildIdentity(m.group(1), m.group(2)))
                : java.util.Optional.empty();
    }

    /**
     * A readable part from a ref, series or label: characters a kernel release and a file name can hold
     * ([A-Za-z0-9._+-]; others become '-'), at most {@value #MAX_READABLE}, never empty or starting with '.'.
     */
    public static String readableOf(String text) {
        var sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 || ".+_-".indexOf(c) >= 0 ? c : '-');
        }
        String s = sb.toString().replaceAll("^[.-]+", "");
        if (s.length() > MAX_READABLE) {
            s = s.substring(0, MAX_READABLE);
        }
        s = s.replaceAll("[.-]+$", "");
        return s.isEmpty() ? "kernel" : s;
    }

    /** The readable part of a series: its message-id's local part ({@code 20240101.123-1-a@b} → {@code 20240101.123-1-a}). */
    public static String readableOfSeries(String messageId) {
        String bare = SeriesCommand.bare(messageId);
        int at = bare.indexOf('@');
        return readableOf("series-" + (at < 0 ? bare : bare.substring(0, at)).toLowerCase(Locale.ROOT));
    }

    /** {@code <readable>-<8 hex>}. */
    public String name() {
        return readable + "-" + hash.substring(0, 8);
    }

    /** The CONFIG_LOCALVERSION value: {@code -<name>}, so the release reads {@code 6.1.150-v6.1.150-3fa2b1c0}. */
    public String localVersion() {
        return "-" + name();
    }

    /**
     * {@code .config} lines with CONFIG_LOCALVERSION set to this identity and CONFIG_LOCALVERSION_AUTO off (kimg's
     * worktree is a git checkout: setlocalversion would append {@code -g<sha>}, and the release would no longer be
     * the identity).
     */
    public List<String> bakedInto(List<String> dotConfig) {
        String localVersion = "CONFIG_LOCALVERSION=\"" + localVersion() + "\"";
        String noAuto = "# CONFIG_LOCALVERSION_AUTO is not set";
        var out = new ArrayList<String>();
        boolean hasLocalVersion = false;
        boolean hasAuto = false;
        // In place, so that a .config kconfig has rewritten in its own order is left byte for byte as it is.
        for (String l : dotConfig) {
            if (l.startsWith("CONFIG_LOCALVERSION=")) {
                out.add(localVersion);
                hasLocalVersion = true;
            } else if (l.startsWith("CONFIG_LOCALVERSION_AUTO=") || l.equals(noAuto)) {
                out.add(noAuto);
                hasAuto = true;
            } else {
                out.add(l);
            }
        }
        if (!hasLocalVersion) {
            out.add(localVersion);
        }
        if (!hasAuto) {
            out.add(noAuto);
        }
        return out;
    }

    static boolean isLocalVersionLine(String line) {
        return line.startsWith("CONFIG_LOCALVERSION=") || line.startsWith("CONFIG_LOCALVERSION_AUTO=")
                || line.equals("# CONFIG_LOCALVERSION_AUTO is not set");
    }
}
