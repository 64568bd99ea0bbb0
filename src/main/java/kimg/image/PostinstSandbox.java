package kimg.image;

import kimg.config.Architecture;
import kimg.config.Config;
import kimg.config.Distribution;
import kimg.config.Settings;
import kimg.exec.Sandbox;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bubblewrap command line that runs one post-installation script (mkosi.postinst, PostInstallationScripts=)
 * with mkosi v26's script contract ({@code run_postinst_scripts}, {@code script_maybe_chroot_sandbox}):
 * {@code $BUILDROOT} is the image tree (writable), {@code $SRCDIR} the project directory (read-only),
 * {@code $OUTPUTDIR} a directory whose files end up in the output directory, first argument {@code final}.
 *
 * <p>A script runs on the host's tools: the host's /usr and /etc read-only, nothing else of the host visible, the
 * network cut unless WithNetwork=yes. /scripts, first on PATH, holds mkosi's helpers: {@code useradd} and
 * {@code groupadd} act on the image ({@code --root /buildroot}, so the user database and a
 * {@code --create-home} directory are the image's), {@code mkosi-chroot} runs a command chrooted into the image.
 * A script named {@code *.chroot} runs inside the image itself, as a {@code mkosi-chroot} command would.
 * Pure: the host's top-level layout is passed in.
 */
public final class PostinstSandbox {
    public static final String BUILDROOT = "/buildroot";
    public static final String SRCDIR = "/work/src";
    public static final String OUTPUTDIR = "/work/out";
    public static final String SCRIPT = "/work/postinst";
    public static final String HELPERS = "/scripts";
    public static final String WORK = "/work";
    private static final String TOOLS_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private PostinstSandbox() {}

    /**
     * @param hostLayout top-level host entries to expose: name → symlink target, or "" for a directory to bind
     *                   read-only (e.g. bin → usr/bin on a merged-/usr host)
     * @param helpers    the directory holding {@link #helpers}' files, mounted at /scripts
     * @param environment the script's environment ({@link #environment}), set in order
     */
    public static List<String> argv(Map<String, String> hostLayout, Path script, Path buildRoot, Path sourceDir,
            Path outputDir, Path helpers, boolean network, Map<String, String> environment) {
        boolean chroot = script.getFileName().toString().endsWith(".chroot");
        Sandbox.Builder box = Sandbox.builder().isolated(network);
        if (chroot) {
            imageSystemMounts(box.bind(buildRoot, "/")).tmpfs("/var/tmp");
            if (network) {
                box.roBindTry("/etc/resolv.conf", "/etc/resolv.conf");
            }
        } else {
            hostLayout.forEach((name, link) -> {
                if (link.isEmpty()) {
                    box.roBind("/" + name, "/" + name);
                } else {
                    box.symlink(link, "/" + name);
                }
            });
            box.dev("/dev").proc("/proc").tmpfs("/tmp").tmpfs("/var/tmp")
                    .bind(buildRoot, BUILDROOT)
                    .roBind(helpers, HELPERS);
        }
        box.roBind(sourceDir, SRCDIR).bind(outputDir, OUTPUTDIR).roBind(script, SCRIPT).chdir(SRCDIR)
                .setenv(environment);
        if (chroot) {
            chrootEnvironment(box);
        } else {
            box.setenv("PATH", HELPERS + ":" + TOOLS_PATH);
        }
        return box.command(SCRIPT, "final").argv();
    }

    /**
     * The environment mkosi v26 gives a post-installation script ({@code run_postinst_scripts}): DISTRIBUTION,
     * RELEASE, ARCHITECTURE, DISTRIBUTION_ARCHITECTURE, EFI_ARCHITECTURE (when UEFI exists), BUILDROOT, SRCDIR,
     * OUTPUTDIR, SCRIPT and their CHROOT_ forms, MKOSI_UID/MKOSI_GID, WITH_NETWORK (1/0), PROFILES (space-separated,
     * when any), then the config's Environment= (which wins, as in mkosi). PACKAGEDIR, ARTIFACTDIR, MKOSI_CONFIG
     * and BUILDDIR are not set: kimg has none of them for a script.
     */
    public static Map<String, String> environment(Config config, long uid, long gid) {
        var env = new LinkedHashMap<String, String>();
        Architecture arch = config.architecture();
        env.put("DISTRIBUTION", config.distribution());
        env.put("RELEASE", config.release());
        env.put("ARCHITECTURE", arch.toString());
        Distribution.of(config.distribution()).map(d -> arch.packageName(d.family()))
                .ifPresent(name -> env.put("DISTRIBUTION_ARCHITECTURE", name));
        String efi = efiName(arch);
        if (efi != null) {
            env.put("EFI_ARCHITECTURE", efi);
        }
        env.put("BUILDROOT", BUILDROOT);
        env.put("OUTPUTDIR", OUTPUTDIR);
        env.put("CHROOT_OUTPUTDIR", OUTPUTDIR);
        env.put("SCRIPT", SCRIPT);
        env.put("CHROOT_SCRIPT", SCRIPT);
        env.put("SRCDIR", SRCDIR);
        env.put("CHROOT_SRCDIR", SRCDIR);
        env.put("MKOSI_UID", Long.toString(uid));
        env.put("MKOSI_GID", Long.toString(gid));
        env.put("WITH_NETWORK", config.get(Settings.WITH_NETWORK) ? "1" : "0");
        List<String> profiles = config.items(Settings.PROFILES);
        if (!profiles.isEmpty()) {
            env.put("PROFILES", String.join(" ", profiles));
        }
        env.putAll(config.environment());
        return env;
    }

    /**
     * The helper programs on a script's PATH, name → shell text (fixed: no config value reaches them). Each clears
     * /scripts from PATH before running the real tool so that a helper named after its tool does not call itself.
     */
    public static Map<String, String> helpers(boolean network) {
        var out = new LinkedHashMap<String, String>();
        for (String tool : List.of("useradd", "groupadd")) {
            out.put(tool, shellExec(List.of(tool, "--root", BUILDROOT)));
        }
        out.put("mkosi-chroot", shellExec(chrootArgv(network)));
        return out;
    }

    /**
     * What {@code mkosi-chroot} runs inside the sandbox: a nested bwrap whose root is the image, with fresh
     * /proc, /dev, /run, /tmp, the sandbox's /var/tmp and /work (so $SRCDIR, $OUTPUTDIR keep their paths), working
     * directory $SRCDIR, and mkosi's chroot environment (container=mkosi, HOME=/, PATH=/usr/bin:/usr/sbin,
     * BUILDROOT=/). The command follows as its arguments.
     */
    public static List<String> chrootArgv(boolean network) {
        Sandbox.Builder box = imageSystemMounts(Sandbox.builder().bind(BUILDROOT, "/"))
                .bind("/var/tmp", "/var/tmp").bind(WORK, WORK);
        if (network) {
            box.roBindTry("/etc/resolv.conf", "/etc/resolv.conf");
        }
        return chrootEnvironment(box.chdir(SRCDIR)).command(List.of()).argv();
    }

    /**
     * Paths in the image a chrooted script's sandbox mounts over, parents first: bwrap creates those the image
     * lacks ({@code mkosi-chroot} binds /work whole; a {@code .chroot} script also gets $SRCDIR, $OUTPUTDIR and
     * the script).
     */
    public static List<String> mountpoints() {
        return List.of(WORK, SRCDIR, OUTPUTDIR, SCRIPT);
    }

    // mkosi's apivfs_options for a chroot: fresh kernel file systems and empty /run, /tmp.
    private static Sandbox.Builder imageSystemMounts(Sandbox.Builder box) {
        return box.tmpfs("/run").tmpfs("/tmp").proc("/proc").dev("/dev").dir("/run/user/0");
    }

    private static Sandbox.Builder chrootEnvironment(Sandbox.Builder box) {
        return box.setenv("container", "mkosi").setenv("HOME", "/").setenv("PATH", "/usr/bin:/usr/sbin")
                .setenv("BUILDROOT", "/");
    }

    // The words are constants of this class (no spaces or quotes), so joining them is the command line.
    private static String shellExec(List<String> words) {
        return "#!/bin/sh\n"
                + "PATH=" + TOOLS_PATH + "\n"
                + "export PATH\n"
                + "exec " + String.join(" ", words) + " \"$@\"\n";
    }

    // mkosi's Architecture.to_efi: the UEFI name of the architectures that have UEFI.
    private static String efiName(Architecture arch) {
        if (!arch.hasUefi()) {
            return null;
        }
        return switch (arch) {
            case X86_64 -> "x64";
            case X86 -> "ia32";
            case ARM64 -> "aa64";
            default -> arch.toString();
        };
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
