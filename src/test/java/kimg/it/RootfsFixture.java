package kimg.it;

// TEMPORARY: replaced at merge by the kernel/image helpers' fixture

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import kimg.image.ImageArtifacts;

/**
 * TEMPORARY stand-in: a hand-made mmdebstrap tree in /var/tmp/vmdev/rootfs with the image helper's guest init
 * copied in.
 */
public final class RootfsFixture {
    private RootfsFixture() {}

    public static ImageArtifacts built() {
        Path root = KernelFixture.DEV.resolve("rootfs");
        if (!Files.isExecutable(root.resolve("usr/lib/kimg/init"))) {
            throw new IllegalStateException("no hand-built rootfs with a guest init at " + root);
        }
        return new ImageArtifacts(root, root, "directory", "", false, null, null, Map.of());
    }
}
