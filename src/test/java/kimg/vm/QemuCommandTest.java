package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.image;
import static kimg.vm.VmFixtures.kernel;
import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;
import org.junit.jupiter.api.Test;

class QemuCommandTest {
    private static long mebibytes(String ram) {
        return kimg.config.Bytes.parse(ram).mebibytes();
    }

    @Test
    void ramIsConvertedToMebibytes() {
        assertEquals(2048, mebibytes("2G"));
        assertEquals(512, mebibytes("512M"));
        assertEquals(1024, mebibytes("1073741824"));
        assertEquals(1, mebibytes("4K"));
    }

    @Test
    void commasInOptionValuesAreDoubled() {
        assertEquals("/tmp/a,,b/root.sock", QemuCommand.optionValue("/tmp/a,b/root.sock"));
    }

    @Test
    void qemuArgsComeLast() {
        Config c = config(values(Map.entry("QemuArgs", List.of("-device", "virtio-rng-pci"))));
        BootInputs in = BootInputs.from(c, kernel(), image());
        List<String> argv = QemuCommand.argv(c, in, Accelerator.tcg(), VmFixtures.sockets(in), List.of());
        assertEquals(List.of("-device", "virtio-rng-pci"), argv.subList(argv.size() - 2, argv.size()));
    }

    @Test
    void everyShareNeedsItsSocket() {
        Config c = config(Map.of());
        BootInputs in = BootInputs.from(c, kernel(), image());
        assertThrows(IllegalArgumentException.class,
                () -> QemuCommand.argv(c, in, Accelerator.tcg(), List.<Path>of(), List.of()));
    }

    @Test
    void arm64BootsAndArchitecturesWithoutAQemuRowAreAConfigError() {
        Config arm64 = config(values(Map.entry("Architecture", List.of("arm64"))));
        arm64.checkUsable(kimg.config.Setting.Use.BOOT);
        // Refused by the config stage for boot verbs (Settings.ARCHITECTURE's limit), before anything is built.
        Config c = config(values(Map.entry("Architecture", List.of("riscv64"))));
        assertThrows(ConfigError.class, () -> c.checkUsable(kimg.config.Setting.Use.BOOT));
    }

    @Test
    void theConsoleAndMachineComeFromTheArchitectureRow() {
        Config c = config(values(Map.entry("Architecture", List.of("arm64"))));
        BootInputs in = BootInputs.from(c, kernel(), image());
        List<String> argv = QemuCommand.argv(c, in, Accelerator.tcg(), VmFixtures.sockets(in), List.of());
        assertEquals("qemu-system-aarch64", argv.get(0));
        assertEquals("virt", argv.get(argv.indexOf("-M") + 1));
        assertEquals("max,pauth-impdef=on", argv.get(argv.indexOf("-cpu") + 1));
        assertTrue(argv.get(argv.indexOf("-append") + 1).contains("console=ttyAMA0 "));
        // Under KVM the guest gets the host's CPU (Accelerator's -cpu), never the TCG model.
        List<String> kvm = QemuCommand.argv(c, in, Accelerator.kvm("host"), VmFixtures.sockets(in), List.of());
        assertEquals(1, kvm.stream().filter("-cpu"::equals).count());
        assertEquals("host", kvm.get(kvm.indexOf("-cpu") + 1));
    }
}
