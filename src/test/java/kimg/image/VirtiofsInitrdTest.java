package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class VirtiofsInitrdTest {
    private static final String DEP = String.join("\n",
            "kernel/fs/fuse/fuse.ko:",
            "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko",
            "kernel/drivers/virtio/virtio.ko:",
            "kernel/drivers/virtio/virtio_ring.ko:",
            "kernel/drivers/virtio/virtio_pci.ko.xz: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio_ring.ko kernel/drivers/virtio/virtio.ko",
            "kernel/drivers/virtio/virtio_pci_modern_dev.ko: kernel/drivers/virtio/virtio.ko",
            "kernel/fs/minix/minix.ko:");

    @Test
    void dependenciesLoadBeforeDependentsEachOnce() {
        List<String> order = VirtiofsInitrd.loadOrder(VirtiofsInitrd.parseModulesDep(DEP), VirtiofsInitrd.NEEDED);
        assertEquals(List.of(
                "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
                "kernel/drivers/virtio/virtio_pci.ko.xz",
                "kernel/fs/fuse/fuse.ko",
                "kernel/fs/fuse/virtiofs.ko"), order);
    }

    @Test
    void builtInModulesAreSimplyNotLoaded() {
        assertEquals(List.of(), VirtiofsInitrd.loadOrder(VirtiofsInitrd.parseModulesDep("kernel/fs/minix/minix.ko:\n"),
                VirtiofsInitrd.NEEDED));
    }

    @Test
    void initLoadsModulesMountsRootShareAndSwitchesToKimgInit() {
        String init = VirtiofsInitrd.initScript(List.of("kernel/fs/fuse/fuse.ko", "kernel/drivers/virtio/virtio_pci.ko.xz"));
        assertTrue(init.contains("insmod /modules/fuse.ko"));
        assertTrue(init.contains("insmod /modules/virtio_pci.ko 2>"), "compressed modules are unpacked at build time");
        assertTrue(init.contains("mount -t virtiofs root /newroot"));
        assertTrue(init.contains("exec switch_root /newroot \"$init\""));
    }
}
