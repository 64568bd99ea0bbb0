package kimg.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.fs.FileTrees;

/**
 * The inputs of the image's output stage besides the distribution tree, one per line: a change to any of them
 * rebuilds the output (copy + setup + format) but never the cache. They are kept in the state file
 * ({@link OutputPaths#stateFile}) of the last build, which is how a warm build knows it has nothing to do.
 */
final class OutputStamp {
    private OutputStamp() {}

    /**
     * The input lines: the cache entry, Format=, the settings whose row says they shape the output, guest setup,
     * the guest init, and a fingerprint of every extra tree, script, module output and partition definition.
     */
    static List<String> inputs(Config config, RootfsCache.Entry cache, String format, ImageSources sources,
            List<ImageBuilder.Overlay> overlays) {
        var lines = new ArrayList<String>();
        lines.add("base=" + cache.key().hash());
        lines.add("base-entry=" + cache.directory().getFileName());
        lines.add("format=" + format);
        lines.addAll(config.cacheInputs(Setting.Cache.OUTPUT));
        var settings = GuestSetup.settings(config, cache.root());
        lines.add("guest=" + RootfsCacheKey.sha256(GuestSetup.files(settings).toString()));
        lines.add(GuestInit.inputLine(config.architecture()));
        for (ImageSources.ExtraTree t : sources.extraTrees()) {
            lines.add("extra-tree=" + t.source() + ":" + t.destination() + ":" + TreeFingerprint.ofTree(t.source()));
        }
        for (Path script : sources.postinstScripts()) {
            lines.add("postinst=" + script + ":" + TreeFingerprint.ofFile(script));
        }
        for (ImageBuilder.Overlay o : overlays) {
            lines.add("overlay=" + o.hostTree() + ":" + o.destinationInImage() + ":"
                    + TreeFingerprint.ofTree(o.hostTree()));
        }
        if (format.equals("disk")) {
            lines.add("repart=" + sources.repart().map(TreeFingerprint::ofFile).orElse("builtin"));
        }
        return lines;
    }

    /** The state file's text for {@code inputs}. */
    static String text(List<String> inputs) {
        return String.join("\n", inputs) + "\n";
    }

    /** Whether the outputs on disk were made from {@code inputs}; reads files only. */
    static boolean upToDate(OutputPaths p, String format, boolean ssh, List<String> inputs) {
        Path archive = p.archive(format);
        return upToDate(Files.isDirectory(p.tree()), archive == null || Files.isRegularFile(archive),
                !ssh || Files.isRegularFile(p.knownHosts()),
                Files.isRegularFile(p.stateFile()) ? FileTrees.readOrEmpty(p.stateFile()) : null, inputs);
    }

    /**
     * Pure: up to date when the tree, the format's archive and (Ssh=yes) the pinned host key exist and the state
     * file ({@code state}, null when missing) holds exactly {@code inputs}. An image from before host keys were
     * pinned has no known_hosts and is rebuilt.
     */
    static boolean upToDate(boolean tree, boolean archive, boolean knownHosts, String state, List<String> inputs) {
        return tree && archive && knownHosts && state != null && state.equals(text(inputs));
    }
}
