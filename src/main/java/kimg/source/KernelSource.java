package kimg.source;

import java.nio.file.Path;
import java.util.List;

/**
 * The kernel sources a build compiles, once checked out: the tree make reads and what it is, as the identity sees it.
 *
 * @param tree      the tree make builds: kimg's worktree (KernelRef=, KernelPatches=, KernelSeries=) or the user's
 *                  working tree
 * @param readable  the identity's readable part: KernelLabel=, else the ref, the series, or "local"
 * @param treeHash  the git tree object of the sources as built (after the patches; uncommitted changes included
 *                  for a working tree)
 * @param base      the commit the worktree was checked out at, or null for the user's working tree
 * @param patches   the mbox files applied, in order
 */
public record KernelSource(Path tree, String readable, String treeHash, String base, List<Path> patches) {
    public KernelSource {
        patches = List.copyOf(patches);
    }

    /** Whether make runs in kimg's worktree (it then has its own build directory: kbuild records source paths). */
    public boolean inWorktree() {
        return base != null;
    }
}
