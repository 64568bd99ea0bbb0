package kimg.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The mmdebstrap command line that builds a Debian or Ubuntu tree from a {@link RootfsSpec}. Pure. */
public final class MmdebstrapCommand {
    private MmdebstrapCommand() {}

    /**
     * {@code mmdebstrap --verbose --variant=minbase --architectures=amd64 --components=main[,...] --include=PKGS
     * [--dpkgopt=...] -- RELEASE TARGET [MIRROR]}. The mode is left to mmdebstrap (root when run as root). An empty
     * mirror lets mmdebstrap pick its default (deb.debian.org for Debian releases).
     */
    public static List<String> argv(RootfsSpec spec, Path target) {
        var argv = new ArrayList<String>();
        argv.add("mmdebstrap");
        // apt's and dpkg's lines ("N newly installed", "Unpacking P") are how MmdebstrapProgress counts packages.
        argv.add("--verbose");
        argv.add("--variant=" + spec.variant());
        argv.add("--architectures=" + spec.nativeArchitecture());
        var components = new ArrayList<String>();
        components.add("main");
        for (String r : spec.repositories()) {
            if (!components.contains(r)) {
                components.add(r);
            }
        }
        argv.add("--components=" + String.join(",", components));
        if (!spec.packages().isEmpty()) {
            argv.add("--include=" + String.join(",", spec.packages()));
        }
        if (!spec.withDocs()) {
            // dpkg drops these paths at unpack time, as mkosi's WithDocs=no does; copyright files stay (licences).
            argv.add("--dpkgopt=path-exclude=/usr/share/doc/*");
            argv.add("--dpkgopt=path-include=/usr/share/doc/*/copyright");
            argv.add("--dpkgopt=path-exclude=/usr/share/man/*");
            argv.add("--dpkgopt=path-exclude=/usr/share/info/*");
        }
        // Release= and Mirror= are positionals: after "--" (Getopt::Long's end of options) neither can ever be
        // read as an option such as --customize-hook.
        argv.add("--");
        argv.add(spec.release());
        argv.add(target.toString());
        if (!spec.mirror().isEmpty()) {
            argv.add(spec.mirror());
        }
        return argv;
    }
}
