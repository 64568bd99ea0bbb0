package kimg.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a build will do and why, before anything runs: the kernel part, each userspace module in build
 * order, and the image. Made by {@link Planner#plan}; printed by {@code kimg summary --plan}; asked by the boot
 * verbs what is out of date.
 *
 * @param kernel  the kernel part, or null when there is no kernel source (BuildSources=...:kernel)
 * @param modules the userspace modules in build order (after the kernel)
 * @param image   the image part, or null when the build makes no image (-i, Format=none)
 */
public record BuildPlan(Kernel kernel, List<Module> modules, Image image) {
    public BuildPlan {
        modules = List.copyOf(modules);
    }

    /** Whether a part is up to date, and if not, why in the user's terms ("mm/slub.c changed", "never built"). */
    public record Freshness(boolean upToDate, String why) {
        public static final Freshness CURRENT = new Freshness(true, null);

        public static Freshness stale(String why) {
            return new Freshness(false, why);
        }
    }

    /**
     * @param tree          the kernel source tree (never written to)
     * @param config        the chosen kernel config file
     * @param configChosenBy what chose it: -c, Environment=CONFIG, kernel tree, project
     * @param configBase    the make targets the file is merged onto; empty: the file is a whole config
     * @param configFragments the fragments merged on top of the file, in merge order (KernelConfigFragments=,
     *                      the debug fragment, mkosi.kernel.local.config: {@link kimg.module.KernelDebug#fragments})
     * @param localVersion  the LV naming the build directory ("" when none)
     * @param buildDir      the out-of-tree build directory (O=)
     * @param makeVariables the variables given to every make
     * @param reconfigure   why a configure runs first, or null when the .config is kept
     * @param goals         the make goals
     * @param freshness     whether the kernel the guest would boot matches the sources and config
     * @param identity      how the kernel is built by identity, or null when it is not (no KernelRef=, ...)
     */
    public record Kernel(Path tree, Path config, String configChosenBy, List<String> configBase,
            List<Path> configFragments, String localVersion, Path buildDir, List<String> makeVariables,
            String reconfigure, List<String> goals, Freshness freshness, Identity identity) {
        public Kernel {
            configFragments = List.copyOf(configFragments);
        }

        /** This kernel with another identity part. */
        public Kernel withIdentity(Identity other) {
            return new Kernel(tree, config, configChosenBy, configBase, configFragments, localVersion, buildDir,
                    makeVariables, reconfigure, goals, freshness, other);
        }
    }

    /**
     * A kernel built by identity (kimg.source): its sources and where built identities are looked up.
     *
     * @param ref       KernelRef=, or null for the working tree (uncommitted changes included)
     * @param patches   the mbox files KernelPatches= names, in the order git am applies them
     * @param series    KernelSeries= (a message-id for b4 am), or null
     * @param readable  the identity's readable part (KernelLabel=, the ref, the series, or "local")
     * @param worktree  kimg's worktree at the ref, or null when make reads the working tree
     * @param store     KernelStore= (or its default under the cache directory)
     * @param lastBuilt the identity of the build directory's last complete build, or null
     * @param planned    the identity the build would have ({@code <readable>-<8 hex>}), or null when only the build
     *                   can know it (or the plan was made without running git)
     * @param plannedWhy why {@code planned} is null, or null
     */
    public record Identity(String ref, List<Path> patches, String series, String readable, Path worktree, Path store,
            String lastBuilt, String planned, String plannedWhy) {
        public Identity {
            patches = List.copyOf(patches);
        }

        /** This identity with the name the build would give it (or why it cannot be known yet). */
        public Identity withPlanned(String name, String why) {
            return new Identity(ref, patches, series, readable, worktree, store, lastBuilt, name, why);
        }
    }

    /**
     * @param name               the module (its directory name under modules/)
     * @param source             its source tree (BuildSources=SRC:name)
     * @param buildDir           its persistent build directory ($BUILDDIR)
     * @param needsBuildOverlay  its script runs inside the image (mkosi.build.chroot): the build overlay is made
     *                           (or taken from the cache) before it
     * @param freshness          whether its installed output ($DESTDIR) is newer than every source file
     */
    public record Module(String name, Path source, Path buildDir, boolean needsBuildOverlay, Freshness freshness) {}

    /**
     * @param format      Format=
     * @param root        the tree the VM boots
     * @param cacheKey    hex SHA-256 of the distribution tree's inputs
     * @param cacheEntry  the cache entry's directory name
     * @param cacheHit    the distribution tree is cached: no package manager runs
     * @param outputStamp hex SHA-256 of the output's inputs, null until the distribution tree is cached
     * @param freshness   whether the output would be rebuilt
     */
    public record Image(String format, Path root, String cacheKey, String cacheEntry, boolean cacheHit,
            String outputStamp, Freshness freshness) {}

    /** The parts that are out of date, each as "part: why", in build order; empty when everything is current. */
    public List<String> staleParts() {
        var out = new java.util.ArrayList<String>();
        if (kernel != null && !kernel.freshness().upToDate()) {
            out.add("kernel: " + kernel.freshness().why());
        }
        for (Module m : modules) {
            if (!m.freshness().upToDate()) {
                out.add(m.name() + ": " + m.freshness().why());
            }
        }
        if (image != null && !image.freshness().upToDate()) {
            out.add("image: " + image.freshness().why());
        }
        return out;
    }
}
