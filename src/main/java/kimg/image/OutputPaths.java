package kimg.image;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.fs.FileTrees;

/**
 * Where the image's outputs live: the tree {@code <OutputDirectory>/<Output>}, its archive for Format=tar/cpio/disk,
 * the pinned SSH host key and the state file holding the inputs of the last build ({@link OutputStamp}). Pure.
 *
 * @param outputDirectory OutputDirectory=
 * @param output          Output=, a plain file name (its row's parser, ValueParser.FILE_NAME, checked it)
 */
record OutputPaths(Path outputDirectory, String output) {
    static OutputPaths of(Config config) {
        return new OutputPaths(config.outputDirectory(), config.get(Settings.OUTPUT));
    }

    Path tree() {
        return outputDirectory.resolve(output);
    }

    Path stateFile() {
        return outputDirectory.resolve("." + output + ".kimg-state");
    }

    /** The archive or disk file of {@code format}, or null for directory and none. */
    Path archive(String format) {
        String name = OutputFormats.archiveName(output, format);
        return name == null ? null : outputDirectory.resolve(name);
    }

    /** What the VM or the user takes as the image: the tree (directory) or the archive. */
    Path outputOf(String format) {
        return format.equals("directory") ? tree() : archive(format);
    }

    /** The pinned SSH host key of the guest (Ssh=yes), for kimg ssh. */
    Path knownHosts() {
        return outputDirectory.resolve(GuestHostKey.knownHostsName(output));
    }

    /** The tree, every archive a format can make and the known_hosts file: what build replaces and clean deletes. */
    List<Path> outputs() {
        var out = new ArrayList<Path>(List.of(tree(), knownHosts()));
        for (String format : List.of("tar", "cpio", "disk")) {
            out.add(archive(format));
        }
        return out;
    }

    /**
     * Outputs of a kimg from before ownership stamps: kimg's state file {@code .<Output>.kimg-state} (a name only
     * kimg writes, holding its output inputs) sits next to them.
     */
    boolean madeByOlderKimg(Path path) {
        return Files.isRegularFile(stateFile(), LinkOption.NOFOLLOW_LINKS)
                && FileTrees.readOrEmpty(stateFile()).contains("output=" + output + "\n");
    }
}
