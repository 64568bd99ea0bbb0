package kimg.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import kimg.config.Config;
import kimg.config.Settings;

/**
 * Whether the image a build would make is already there, and if not why, from files alone: the cached
 * distribution tree's {@code inputs.txt} against {@link RootfsCacheKey}, and the output's state file against
 * {@link OutputStamp#inputs}. Starts no process and writes nothing.
 *
 * @param format      Format= (directory, tar, cpio, disk; never none: that builds no image)
 * @param root        the tree the VM boots ({@code <OutputDirectory>/<Output>})
 * @param cacheKey    hex SHA-256 of the distribution tree's inputs
 * @param cacheEntry  the cache entry's directory name under CacheDirectory=
 * @param cacheHit    the entry exists with these inputs: no package manager would run
 * @param outputStamp hex SHA-256 of the output's inputs, or null while the distribution tree is not cached (it
 *                    depends on the tree)
 * @param upToDate    nothing of the image would be rebuilt
 * @param why         why not ("Packages= changed", "never built"), or null when up to date
 */
public record ImageStatus(String format, Path root, String cacheKey, String cacheEntry, boolean cacheHit,
        String outputStamp, boolean upToDate, String why) {

    /**
     * @param overlays the module outputs the build would install (kernel modules, DESTDIRs), as they are now
     * @throws kimg.config.ConfigError when Output= or Hostname= is not usable
     */
    public static ImageStatus of(Config config, List<ImageBuilder.Overlay> overlays) {
        OutputPaths p = OutputPaths.of(config);
        String format = config.format();
        RootfsSpec spec = RootfsSpec.finalTree(config);
        RootfsCacheKey key = RootfsCacheKey.of(spec);
        Path entry = config.cacheDirectory().resolve(key.entryName());
        boolean hit = RootfsCache.isCached(config.cacheDirectory(), spec);
        List<String> state = Files.isRegularFile(p.stateFile()) ? read(p.stateFile()).lines().toList() : null;
        if (!hit) {
            String why = !config.get(Settings.INCREMENTAL) ? "Incremental=no: every build starts from the package manager"
                    : state == null ? "never built"
                    : cacheChange(config, state, key);
            return new ImageStatus(format, p.tree(), key.hash(), key.entryName(), false, null, false, why);
        }
        if (config.sshInImage() && !Files.isRegularFile(config.directory().resolve(SshKey.PUBLIC_KEY))) {
            return new ImageStatus(format, p.tree(), key.hash(), key.entryName(), true, null, false,
                    "no SSH key yet (the build makes one)");
        }
        List<String> inputs = OutputStamp.inputs(config, new RootfsCache.Entry(entry, key, true), format,
                ImageSources.of(config), overlays);
        String stamp = RootfsCacheKey.sha256(OutputStamp.text(inputs));
        if (!config.get(Settings.INCREMENTAL)) {
            return new ImageStatus(format, p.tree(), key.hash(), key.entryName(), true, stamp, false,
                    "Incremental=no: every build starts from the package manager");
        }
        if (OutputStamp.upToDate(p, format, config.sshInImage(), inputs)) {
            return new ImageStatus(format, p.tree(), key.hash(), key.entryName(), true, stamp, true, null);
        }
        String why = state == null ? "never built" : outputChange(state, inputs);
        return new ImageStatus(format, p.tree(), key.hash(), key.entryName(), true, stamp, false, why);
    }

    /** Which input of the distribution tree changed since the tree the last output was made from. */
    static String cacheChange(Config config, List<String> state, RootfsCacheKey key) {
        String previousEntry = value(state, "base-entry");
        Path previousInputs = previousEntry == null ? null
                : config.cacheDirectory().resolve(previousEntry).resolve("inputs.txt");
        if (previousInputs == null || !Files.isRegularFile(previousInputs)) {
            return "the distribution tree is not cached";
        }
        List<String> before = read(previousInputs).lines().filter(l -> !l.startsWith("hash=")).toList();
        String changed = firstDifference(before, key.inputs());
        return changed == null ? "the distribution tree is not cached" : settingName(changed) + " changed";
    }

    /** Which input of the output changed since the last build, in the user's terms. */
    static String outputChange(List<String> before, List<String> now) {
        String changed = firstDifference(before, now);
        if (changed == null) {
            return "the output is missing";
        }
        String key = changed.substring(0, changed.indexOf('=') < 0 ? changed.length() : changed.indexOf('='));
        String value = changed.substring(Math.min(changed.length(), key.length() + 1));
        String subject = value.contains(":") ? value.substring(0, value.indexOf(':')) : value;
        return switch (key) {
            case "base", "base-entry" -> "the distribution tree changed";
            case "format" -> "Format= changed";
            case "output" -> "Output= changed";
            case "guest" -> "guest setup changed (Hostname=, Autologin=, Ssh=)";
            case "extra-tree" -> "extra tree " + subject + " changed";
            case "postinst" -> "post-installation script " + subject + " changed";
            case "with-network" -> "WithNetwork= changed";
            case "overlay" -> "module output " + subject + " changed";
            case "repart" -> "repart definitions changed";
            default -> key + " changed";
        };
    }

    /** The key of the first line that one list has and the other lacks (an added, changed or removed input). */
    static String firstDifference(List<String> before, List<String> now) {
        for (String line : now) {
            if (!before.contains(line)) {
                return line;
            }
        }
        for (String line : before) {
            if (!now.contains(line)) {
                return line;
            }
        }
        return null;
    }

    /** A cache-input line's key as the setting a user edits: {@code packages=...} → Packages=. */
    static String settingName(String line) {
        String key = line.contains("=") ? line.substring(0, line.indexOf('=')) : line;
        if (key.equals("kimg-rootfs-format") || key.equals("variant") || key.equals("purpose")) {
            return "kimg's distribution tree format";
        }
        var sb = new StringBuilder();
        for (String word : key.split("-")) {
            if (!word.isEmpty()) {
                sb.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
            }
        }
        return sb + "=";
    }

    private static String value(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1))
                .findFirst().orElse(null);
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
