package kimg;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import kimg.config.Config;
import kimg.config.BuildOptions;
import kimg.exec.ChildProcesses;
import kimg.exec.Exec;
import kimg.image.ImageBuilder;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;

/**
 * A kernel build with the image's distribution tree made at the same time: the compile is CPU-bound, mmdebstrap
 * mostly waits on the network and the disk, so a cold build costs about the longer of the two instead of their sum.
 * Each keeps its own steps and logs. When either fails, the other's processes are stopped (the tree's cache entry
 * is written under a temporary name and renamed only when complete, so a stopped mmdebstrap leaves nothing
 * behind) and the first failure is the one reported.
 */
public final class BaseTreeAlongside {
    private BaseTreeAlongside() {}

    /**
     * What the kernel build produced, and whether the image's distribution tree was made (or, for -ff and
     * Incremental=no, refreshed) alongside it: the image step must then take it from the cache as it is.
     */
    public record Built(KernelArtifacts kernel, boolean baseTreeFresh) {}

    public static Built kernel(Config config, BuildOptions options, Exec exec) {
        var base = new CompletableFuture<Boolean>();
        Thread worker = new Thread(() -> {
            try {
                base.complete(ImageBuilder.prepareBaseTree(config, options, exec));
            } catch (Throwable t) {
                base.completeExceptionally(t);
                // The kernel's make is then the only child left: stop it, the build has failed anyway.
                stopChildren();
            }
        }, "kimg-base-tree");
        worker.setDaemon(true);
        worker.start();
        KernelArtifacts kernel;
        try {
            kernel = KernelBuilder.build(config, options, exec);
        } catch (RuntimeException kernelFailure) {
            if (base.isCompletedExceptionally()) {
                // The kernel was stopped because the tree failed first: report the tree.
                throw failureOf(base);
            }
            // The tree may not have started its package manager yet: keep stopping what it starts until it gives
            // up, so the kernel's error is reported at once, not after a whole mmdebstrap run.
            do {
                stopChildren();
            } while (!joinedWithin(worker, 200));
            throw kernelFailure;
        }
        awaitQuietly(worker);
        if (base.isCompletedExceptionally()) {
            throw failureOf(base);
        }
        return new Built(kernel, base.getNow(false));
    }

    /** Kills every child process of kimg and its descendants (at this point: only the other job's). */
    private static void stopChildren() {
        ProcessHandle.current().children().forEach(c -> ChildProcesses.killTree(c, 2000));
    }

    private static boolean joinedWithin(Thread worker, long millis) {
        try {
            worker.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        return !worker.isAlive();
    }

    private static void awaitQuietly(Thread worker) {
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static RuntimeException failureOf(CompletableFuture<Boolean> base) {
        try {
            base.join();
            return new IllegalStateException("the base tree did not fail");
        } catch (CompletionException e) {
            return e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }
}
