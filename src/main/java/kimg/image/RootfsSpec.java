package kimg.image;

import kimg.config.Distribution;
import kimg.config.Architecture;
import kimg.config.Setting;
import kimg.config.Settings;
import java.util.List;
import java.util.TreeSet;
import kimg.config.Config;

/**
 * Everything that shapes a cached distribution tree, and nothing else: the package manager's inputs. The output
 * stage (guest setup, extra trees, post-installation scripts, module outputs, format) is deliberately not here,
 * so changing it never re-runs the package manager.
 *
 * @param distribution debian, ubuntu, fedora or centos
 * @param release      bookworm, noble, 41, 9, ...
 * @param architecture kimg's name (x86-64, arm64)
 * @param mirror       package mirror URL, "" for the package manager's default
 * @param repositories Debian/Ubuntu: components besides main; Fedora/CentOS: extra repository ids to enable
 * @param packages     sorted, without duplicates, including what the guest needs (see {@link #guestPackages})
 * @param variant      mmdebstrap's --variant (kimg always uses minbase; kept here because it shapes the tree)
 * @param withDocs     WithDocs=: keep /usr/share/doc, man and info pages
 * @param purpose      "final" for the image, "build" for the build overlay (base + BuildPackages)
 * @param settings     {@code Name=value} of every settings-table row that shapes this tree (its cache column)
 * @param environment  variables the package manager and the packages' maintainer scripts run with (see
 *                     {@link #packageManagerEnvironment})
 */
public record RootfsSpec(
        String distribution,
        String release,
        String architecture,
        String mirror,
        List<String> repositories,
        List<String> packages,
        String variant,
        boolean withDocs,
        String purpose,
        List<String> settings,
        java.util.Map<String, String> environment) {

    /** minbase: essential + apt, about 180 MB. The guest's extras come from Packages= and guestPackages(). */
    public static final String VARIANT = "minbase";

    public RootfsSpec {
        repositories = List.copyOf(repositories);
        packages = List.copyOf(new TreeSet<>(packages));
        settings = List.copyOf(settings);
        environment = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(environment));
    }

    /** The tree of the final image: Packages= (every enabled module's packages merged in by the config loader). */
    public static RootfsSpec finalTree(Config config) {
        return of(config, config.items(Settings.PACKAGES), "final");
    }

    /** The build overlay's tree: the final image's packages plus BuildPackages=, never shipped in the image. */
    public static RootfsSpec buildTree(Config config) {
        var all = new java.util.ArrayList<>(config.items(Settings.PACKAGES));
        all.addAll(config.items(Settings.BUILD_PACKAGES));
        return of(config, all, "build");
    }

    private static RootfsSpec of(Config config, List<String> packages, String purpose) {
        var all = new java.util.ArrayList<>(packages);
        all.addAll(guestPackages(config.distribution()));
        if (config.sshInImage()) {
            all.add("openssh-server"); // same name in Debian, Ubuntu, Fedora and CentOS
            // kimg's init brings up the user-net interface itself (no systemd-networkd/ifupdown in a minbase tree).
            all.add(isDebianLike(config.distribution()) ? "iproute2" : "iproute");
        }
        var settings = new java.util.ArrayList<>(config.cacheInputs(Setting.Cache.ROOTFS));
        if (purpose.equals("build")) {
            settings.addAll(config.cacheInputs(Setting.Cache.BUILD_TREE));
        }
        return new RootfsSpec(config.distribution(), config.release(), config.architecture().toString(),
                config.optional(Settings.MIRROR).orElse(""), config.items(Settings.REPOSITORIES), all, VARIANT,
                config.get(Settings.WITH_DOCS), purpose, settings, packageManagerEnvironment(config));
    }

    /**
     * {@code INITRD=No} unless Environment= (or an EnvironmentFiles= line) sets INITRD itself, in which case its
     * value: Debian's kernel postinst hook (/etc/kernel/postinst.d/initramfs-tools) exits early on it. kimg never
     * boots the distribution's initramfs (a distribution kernel boots with kimg's VirtioFS initrd, see
     * VirtiofsInitrd), and building one costs about 40 s natively and about 20 minutes under qemu-user for a
     * foreign architecture. Rule from mkosi v26 ({@code installer/apt.py}: INITRD=No unless the config's
     * environment has INITRD), with one difference: mkosi lets the distribution build it for Bootable=no images
     * (it then makes no initrd of its own), while kimg boots with its own initrd whatever Bootable= says. The dnf
     * distributions' kernel-install hooks do not read it; it is harmless there.
     */
    static java.util.Map<String, String> packageManagerEnvironment(Config config) {
        String initrd = config.environment().get("INITRD");
        return java.util.Map.of("INITRD", initrd == null ? "No" : initrd);
    }

    /**
     * What kimg's guest side needs on top of the distribution's minimal set. Debian's minbase already has sh,
     * mount/setsid (util-linux), base64 (coreutils) and login; it lacks modprobe. The default image does not boot
     * systemd (kimg's init is the fast path); add systemd to Packages= to get it.
     */
    public static List<String> guestPackages(String distribution) {
        return switch (distribution) {
            case "debian", "ubuntu" -> List.of("kmod");
            default -> List.of("bash", "coreutils", "kmod", "util-linux");
        };
    }

    public static boolean isDebianLike(String distribution) {
        return distribution.equals("debian") || distribution.equals("ubuntu");
    }

    /** The architecture as the distribution names it. */
    public String nativeArchitecture() {
        Distribution.Family family = isDebianLike(distribution) ? Distribution.Family.APT : Distribution.Family.RPM;
        return Architecture.of(architecture).map(a -> a.packageName(family)).orElse(architecture);
    }
}
