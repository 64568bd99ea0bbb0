package kimg.vm;

import java.nio.file.Path;

/**
 * One host directory served to the guest by its own virtiofsd and mounted at {@code guestPath} by the guest's
 * init (the root share, tag {@code root}, is the guest's root file system instead).
 *
 * @param tag       the virtio-fs tag (at most 36 bytes, the device's limit)
 * @param readOnly  read-only on the host side (see {@link VirtiofsdCommand#argv}) and mounted read-only in the guest
 * @param cache     how much the guest may cache what it reads from this share
 */
public record Share(String tag, Path hostDir, String guestPath, boolean readOnly, Cache cache) {
    /** virtio-fs tags are stored in a 36-byte field of the device's config space. */
    public static final int MAX_TAG_BYTES = 36;

    public Share {
        if (tag.isEmpty() || tag.length() > MAX_TAG_BYTES || !tag.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("bad virtio-fs tag: '" + tag + "'");
        }
    }

    /**
     * Guest caching. Trees the host changes while the guest runs (build directories that `kimg build -i`
     * rewrites, sources being edited, runtime trees) use {@link #NEVER}: every read goes to the host, so the guest
     * never sees a stale module or header. The root tree only changes from inside the guest, where the
     * close-to-open consistency of {@link #AUTO} is enough and much faster.
     */
    public enum Cache {
        AUTO,
        NEVER
    }

    public boolean isRoot() {
        return tag.equals(BootInputs.ROOT_TAG);
    }
}
