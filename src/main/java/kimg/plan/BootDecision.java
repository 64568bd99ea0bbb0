package kimg.plan;

import java.util.List;

/**
 * What a boot verb (qemu, run) does before booting, from the plan: boot what exists, build first, or boot what
 * exists and say it is stale ({@code --no-build}). The invariant it keeps (DESIGN.md): nothing stale is booted
 * without saying so.
 *
 * @param build   build first (the ordinary incremental build: make in the existing build directory, the image
 *                reassembled only when its inputs changed)
 * @param message the one line to print (info when building, a warning when booting stale), or null when the
 *                last build is current
 */
public record BootDecision(boolean build, String message) {
    static final BootDecision CURRENT = new BootDecision(false, null);

    /**
     * @param stale    the plan's {@link BuildPlan#staleParts()}
     * @param anyBuilt the last build left an image to boot (a manifest naming an existing tree)
     * @param force    number of -f (a rebuild was asked for)
     * @param noBuild  --no-build
     * @throws kimg.config.ConfigError with --no-build when nothing was ever built
     */
    public static BootDecision decide(List<String> stale, boolean anyBuilt, int force, boolean noBuild) {
        if (!anyBuilt) {
            if (noBuild) {
                throw kimg.config.ConfigError.usage("nothing to boot: no image was built yet (--no-build; run kimg"
                        + " build first)");
            }
            return new BootDecision(true, "building first: nothing was built yet");
        }
        if (force > 0 && !noBuild) {
            return new BootDecision(true, "building first: -f");
        }
        if (stale.isEmpty()) {
            return CURRENT;
        }
        if (noBuild) {
            return new BootDecision(false, "booting an out-of-date build (--no-build): " + String.join("; ", stale));
        }
        return new BootDecision(true, "building first: " + String.join("; ", stale));
    }

    /**
     * Refuses a boot that can have no kernel, before anything is built: no kernel source, no Linux=, no
     * distribution kernel in Packages= and none in the last build's image.
     *
     * @param packages the image's Packages= (a distribution kernel: linux-image-*, kernel, kernel-core)
     * @throws kimg.config.ConfigError saying what to add
     */
    public static void requireKernel(BuildPlan plan, boolean linuxGiven, List<String> packages,
            boolean builtImageHasKernel) {
        boolean distroKernel = packages.stream().anyMatch(p -> p.startsWith("linux-image")
                || p.equals("kernel") || p.equals("kernel-core"));
        if (plan.kernel() == null && !linuxGiven && !distroKernel && !builtImageHasKernel) {
            throw kimg.config.ConfigError.usage("nothing to boot: no kernel source (BuildSources=<linux tree>:kernel),"
                    + " no Linux=, and Packages= installs no kernel (e.g. linux-image-amd64)");
        }
    }
}
