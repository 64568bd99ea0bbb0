package kimg.image;

import java.util.ArrayList;
import java.util.List;

/**
 * The identity of a cached distribution tree: a SHA-256 over exactly the inputs of {@link RootfsSpec}, written
 * one per line ({@link #inputs()}, also stored next to the tree so a user can see why a cache was rebuilt).
 *
 * <p>Mirror content is not an input: a cache built yesterday stays valid until an input changes or the user asks
 * for {@code -ff}, as with mkosi's cache.
 *
 * @param spec the inputs
 * @param hash hex SHA-256 of {@link #inputs()}
 */
public record RootfsCacheKey(RootfsSpec spec, String hash) {
    /** Bumped when kimg changes how it builds the base tree, so old caches are not reused. */
    static final int FORMAT = 1;

    public static RootfsCacheKey of(RootfsSpec spec) {
        return new RootfsCacheKey(spec, sha256(String.join("\n", inputs(spec)) + "\n"));
    }

    public List<String> inputs() {
        return inputs(spec);
    }

    private static List<String> inputs(RootfsSpec s) {
        var lines = new ArrayList<String>();
        lines.add("kimg-rootfs-format=" + FORMAT);
        lines.add("purpose=" + s.purpose());
        lines.add("variant=" + s.variant());
        // The settings-table rows that shape the tree (their cache column), then the packages really installed.
        lines.addAll(s.settings());
        s.environment().forEach((k, v) -> lines.add("env:" + k + "=" + v));
        lines.add("packages=" + String.join(",", s.packages()));
        return lines;
    }

    /** The cache entry's directory name: readable prefix, short hash (collisions need 2^32 entries). */
    public String entryName() {
        return entryPrefix(spec) + hash.substring(0, 16);
    }

    /** Entries of the same distribution/release/architecture/purpose share this prefix (older ones are pruned). */
    public static String entryPrefix(RootfsSpec s) {
        return s.distribution() + "~" + s.release() + "~" + s.architecture() + "~" + s.purpose() + "~";
    }

    static String sha256(String text) {
        return kimg.fs.Sha256.of(text);
    }
}
