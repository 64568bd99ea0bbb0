package kimg.vm;

import kimg.config.Tree;
import kimg.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import kimg.config.BuildSource;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ModuleDef;
import kimg.config.Value;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;

/**
 * Everything a boot needs from the earlier stages: what to boot and which host trees the guest sees.
 *
 * @param kernel       the kernel image given to QEMU's -kernel
 * @param initrd       nullable: only the distribution's kernel needs one (it must load virtiofs)
 * @param root         the image tree served as the guest's root file system
 * @param vmlinux      nullable: the kernel's ELF with debug info, for gdb
 * @param kernelSource nullable: the host source tree of a built kernel, for gdb's substitute-path
 * @param gdbScript    nullable: vmlinux-gdb.py of a built kernel
 * @param shares       the root share first, then every other share in the order of kimg.mounts=
 */
public record BootInputs(
        Path kernel, Path initrd, Path root, Path vmlinux, Path kernelSource, Path gdbScript, List<Share> shares) {

    public static final String ROOT_TAG = "root";
    /** RuntimeBuildSources=rw: the guest may write the shared sources and build directories. */
    public static final String READ_WRITE = "rw";
    /** Where RuntimeTrees=SRC without a destination appears: {@code /root/src/<basename of SRC>}. */
    public static final String RUNTIME_TREES_HOME = "/root/src";

    public BootInputs {
        shares = List.copyOf(shares);
    }

    /** The shares mounted by the guest's init (every share but the root file system). */
    public List<Share> mounts() {
        return shares.stream().filter(s -> !s.isRoot()).toList();
    }

    /**
     * Chooses the kernel (Linux=, else the built one, else the image's own) and lists the shares: the root tree,
     * every RuntimeTrees= entry, and with RuntimeBuildSources=yes every BuildSources= tree at /work/src/TARGET
     * and every module's build directory at /work/build/MODULE (the kernel's holds modules/, which the guest
     * binds onto /usr/lib/modules).
     */
    public static BootInputs from(Config config, KernelArtifacts kernel, ImageArtifacts image) {
        if (image.root() == null) {
            throw new ConfigError(config.origin(Settings.FORMAT), "Format", "nothing to boot: there is no image tree yet"
                    + " (build once with a format other than none)");
        }
        var shares = new ArrayList<Share>();
        shares.add(new Share(ROOT_TAG, image.root(), "/", false, Share.Cache.AUTO));
        shares.addAll(runtimeTrees(config));
        String buildSources = config.get(Settings.RUNTIME_BUILD_SOURCES);
        if (!buildSources.equals("false")) {
            shares.addAll(buildShares(config, kernel, !buildSources.equals(READ_WRITE)));
        }
        checkDistinctGuestPaths(config, shares);

        // Firmware= was checked for booting when the config was read (Settings.FIRMWARE's limit).
        if (config.optional(Settings.LINUX).isPresent()) {
            // An explicit kernel image: no initrd, and debug info only if it is the one we built.
            Path linux = config.linux().orElseThrow();
            String raw = config.get("Linux");
            if (kernel != null && raw.startsWith(MKOSI_KERNEL_BUILD_DIR)) {
                // mkosi-kernel's Linux=&b/kernel/arch/...: its build script builds in &b/kernel, kimg's kernel
                // builder in &b/kernel/<LV>; the file meant is the one in the kernel kimg built.
                linux = kernel.buildDir().resolve(raw.substring(MKOSI_KERNEL_BUILD_DIR.length()));
            }
            boolean built = kernel != null && sameFile(linux, kernel.bzImage());
            return new BootInputs(linux, null, image.root(), built ? kernel.vmlinux() : null,
                    built ? kernel.sourceTree() : null, built ? kernel.gdbScript() : null, shares);
        }
        if (kernel != null) {
            return new BootInputs(kernel.bzImage(), null, image.root(), kernel.vmlinux(), kernel.sourceTree(),
                    kernel.gdbScript(), shares);
        }
        if (image.distroKernel() != null) {
            return new BootInputs(image.distroKernel(), image.distroInitrd(), image.root(), null, null, null, shares);
        }
        throw new ConfigError(null, "Linux", "nothing to boot: no kernel was built (BuildSources=SRC:kernel) and"
                + " the image has no kernel of its own (add linux-image-" + config.architecture().debName()
                + " to Packages=, or set Linux=)");
    }

    private static final String MKOSI_KERNEL_BUILD_DIR = "&b/kernel/";

    /** kbuild's arch/x86_64/boot/bzImage is a symlink to arch/x86/boot/bzImage: the same kernel. */
    private static boolean sameFile(Path a, Path b) {
        try {
            return a.equals(b) || (java.nio.file.Files.exists(a) && java.nio.file.Files.isSameFile(a, b));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * {@code RuntimeTrees=SRC[:DST][:ro]}; the row's parser made SRC absolute and checked DST (ValueParser.tree).
     * A tree without DST goes to {@code /root/src/<name of SRC>}, as in mkosi.
     */
    static List<Share> runtimeTrees(Config config) {
        var out = new ArrayList<Share>();
        int index = 0;
        for (Tree t : config.items(Settings.RUNTIME_TREES)) {
            String dst = t.target().isEmpty() ? RUNTIME_TREES_HOME + "/" + t.source().getFileName() : t.target();
            checkGuestPath(config.origin(Settings.RUNTIME_TREES), "RuntimeTrees", dst);
            out.add(new Share("tree" + index++, t.source(), dst, t.readOnly(), Share.Cache.NEVER));
        }
        return out;
    }

    /**
     * Sources and build directories are shared read-only: the host later runs make and build scripts in them, so a
     * guest that could write there could plant what the host runs. {@code RuntimeBuildSources=rw} trusts the guest.
     */
    private static List<Share> buildShares(Config config, KernelArtifacts kernel, boolean readOnly) {
        var out = new ArrayList<Share>();
        for (BuildSource source : config.buildSources()) {
            if (!source.target().isEmpty()) {
                out.add(new Share(tag("src-", source.target(), out.size()), source.source(),
                        "/work/src/" + source.target(), readOnly, Share.Cache.NEVER));
            }
        }
        Set<String> modules = new LinkedHashSet<>();
        if (kernel != null) {
            modules.add("kernel");
        }
        // Only modules with a source build, so only they have a build directory to share (an Include=d module
        // without BuildSources= is skipped by the build, and virtiofsd cannot share a directory that is not there).
        config.enabledModules().stream().map(ModuleDef::name).filter(m -> config.sourceFor(m).isPresent())
                .forEach(modules::add);
        for (String module : modules) {
            out.add(new Share(tag("build-", module, out.size()), config.moduleBuildDirectory(module),
                    "/work/build/" + module, readOnly, Share.Cache.NEVER));
        }
        return out;
    }

    /** A readable tag when the name fits the device's 36 bytes, else a numbered one. */
    private static String tag(String prefix, String name, int index) {
        String t = prefix + name;
        return t.length() <= Share.MAX_TAG_BYTES && t.matches("[A-Za-z0-9._-]+") ? t : prefix + index;
    }

    private static void checkGuestPath(kimg.config.Origin origin, String setting, String guestPath) {
        // kimg.mounts= is TAG:PATH[:ro] items joined by commas on the kernel command line, split on blanks.
        if (!guestPath.startsWith("/") || guestPath.matches(".*[\\s,:].*")) {
            throw new ConfigError(origin, setting, "guest path must be absolute and hold no blank, ',' or"
                    + " ':': '" + guestPath + "'");
        }
    }

    private static void checkDistinctGuestPaths(Config config, List<Share> shares) {
        Set<String> seen = new HashSet<>();
        for (Share s : shares) {
            if (!seen.add(s.guestPath())) {
                throw new ConfigError(config.origin(Settings.RUNTIME_TREES), "RuntimeTrees",
                        "two shares would be mounted at " + s.guestPath() + " in the guest");
            }
        }
    }
}
