package kimg.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each {@code Drives=} item's backing file is and how the guest sees it: a pure function of the config, shared
 * by {@code summary}, the QEMU command line and the generated fstests/blktests configs.
 *
 * <p>Attachment: a drive whose id a {@code QemuArgs=} device names ({@code drive=ID}) is attached by that device, as
 * in mkosi, where every drive is only a {@code -blockdev}. Every other drive kimg attaches itself as a
 * {@code virtio-blk-pci} device with {@code serial=ID} (ids of at most 20 characters, virtio-blk's serial limit),
 * in the order of {@code Drives=}. Those devices come before any {@code QemuArgs=} on QEMU's command line, so
 * they take the lowest PCI slots, and virtio-blk names disks in probe order: the n-th drive kimg attaches is
 * {@code /dev/vd<n-th letter>} in the guest ({@code /dev/disk/by-id/virtio-ID} also names it).
 *
 * @param drives every drive, in the order of Drives=
 */
public record DriveLayout(List<Placed> drives) {
    /**
     * @param drive       the Drives= item
     * @param file        its backing file (shared by drives with the same file id), absolute
     * @param size        the backing file's size: the first drive with this file id decides (mkosi)
     * @param guestDevice {@code /dev/vdX} when kimg attaches it; null when a QemuArgs= device does
     */
    public record Placed(Drive drive, Path file, Bytes size, String guestDevice) {
        public boolean attachedByKimg() {
            return guestDevice != null;
        }

        /** virtio-blk's serial holds 20 bytes; a longer id gets no serial (and no /dev/disk/by-id link). */
        public boolean hasSerial() {
            return drive.id().length() <= 20;
        }
    }

    public DriveLayout {
        drives = List.copyOf(drives);
    }

    /** Where backing files go when a drive names no directory: {@code <build root>/drives}. */
    public static Path defaultDirectory(Config config) {
        return config.buildRoot().resolve("drives");
    }

    public static DriveLayout of(Config config) {
        List<String> qemuArgs = config.items(Settings.QEMU_ARGS);
        String name = config.optional(Settings.IMAGE_ID).orElse(config.get(Settings.OUTPUT));
        Map<String, Drive> firstOfFile = new LinkedHashMap<>();
        var out = new ArrayList<Placed>();
        int attached = 0;
        for (Drive d : config.items(Settings.DRIVES)) {
            Drive first = firstOfFile.computeIfAbsent(d.fileId(), k -> d);
            Path dir = first.directory() != null ? first.directory() : defaultDirectory(config);
            // mkosi's naming: mkosi-drive-<machine-or-image-name>-<file-id>.
            Path file = dir.resolve("mkosi-drive-" + name + "-" + d.fileId());
            String device = namedByQemuArgs(qemuArgs, d.id()) ? null : "/dev/vd" + diskLetters(attached++);
            out.add(new Placed(d, file, first.size(), device));
        }
        return new DriveLayout(out);
    }

    /** The drives kimg attaches itself, in guest device order. */
    public List<Placed> attachedByKimg() {
        return drives.stream().filter(Placed::attachedByKimg).toList();
    }

    /** Whether an argument of QemuArgs= holds the property {@code drive=ID} (a -device's comma-separated list). */
    static boolean namedByQemuArgs(List<String> qemuArgs, String id) {
        for (String arg : qemuArgs) {
            for (String property : arg.split(",")) {
                if (property.equals("drive=" + id)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The kernel's disk name suffix: a..z, then aa..zz (virtio_blk uses sd.c's scheme). */
    static String diskLetters(int index) {
        String s = "";
        int i = index;
        do {
            s = (char) ('a' + i % 26) + s;
            i = i / 26 - 1;
        } while (i >= 0);
        return s;
    }
}
