package kimg.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bubblewrap command line that runs one post-installation script (mkosi.postinst, PostInstallationScripts=)
 * with mkosi's contract: {@code $BUILDROOT} is the image tree (writable), {@code $SRCDIR} the project directory
 * (read-only), {@code $OUTPUTDIR} a directory whose files end up in the output directory, first argument
 * {@code final}. The host's /usr and /etc are the tools, read-only; nothing else of the host is visible, and the
 * network is cut unless WithNetwork=yes. Pure: the host's top-level layout is passed in.
 */
public final class PostinstSandbox {
    public static final String BUILDROOT = "/buildroot";
    public static final String SRCDIR = "/work/src";
    public static final String OUTPUTDIR = "/work/out";
    public static final String SCRIPT = "/work/script";

    private PostinstSandbox() {}

    /**
     * @param hostLayout top-level host entries to expose: name → symlink target, or "" for a directory to bind
     *                   read-only (e.g. bin → usr/bin on a merged-/usr host)
     */
    public static List<String> argv(Map<String, String> hostLayout, Path script, Path buildRoot, Path sourceDir,
            Path outputDir, boolean network, Map<String, String> environment) {
        var argv = new ArrayList<String>();
        argv.add("bwrap");
        argv.add("--die-with-parent");
        argv.add("--unshare-pid");
        argv.add("--unshare-ipc");
        argv.add("--unshare-uts");
        if (!network) {
            argv.add("--unshare-net");
        }
        hostLayout.forEach((name, link) -> {
            if (link.isEmpty()) {
                argv.addAll(List.of("--ro-bind", "/" + name, "/" + name));
            } else {
                argv.addAll(List.of("--symlink", link, "/" + name));
            }
        });
        argv.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp"));
        argv.addAll(List.of("--bind", buildRoot.toString(), BUILDROOT));
        argv.addAll(List.of("--ro-bind", sourceDir.toString(), SRCDIR));
        argv.addAll(List.of("--bind", outputDir.toString(), OUTPUTDIR));
        argv.addAll(List.of("--ro-bind", script.toString(), SCRIPT));
        argv.addAll(List.of("--chdir", SRCDIR));
        environment.forEach((k, v) -> argv.addAll(List.of("--setenv", k, v)));
        argv.addAll(List.of("--setenv", "BUILDROOT", BUILDROOT, "--setenv", "SRCDIR", SRCDIR,
                "--setenv", "OUTPUTDIR", OUTPUTDIR));
        argv.add("--");
        argv.add(SCRIPT);
        argv.add("final");
        return argv;
    }

    /** The host's top-level directories a script may use as tools, as they are on this machine. */
    public static Map<String, String> hostLayout() {
        var layout = new java.util.LinkedHashMap<String, String>();
        for (String name : List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "etc", "opt")) {
            Path p = Path.of("/" + name);
            try {
                if (java.nio.file.Files.isSymbolicLink(p)) {
                    layout.put(name, java.nio.file.Files.readSymbolicLink(p).toString());
                } else if (java.nio.file.Files.isDirectory(p)) {
                    layout.put(name, "");
                }
            } catch (java.io.IOException e) {
                // unreadable: leave it out of the sandbox
            }
        }
        return layout;
    }
}
