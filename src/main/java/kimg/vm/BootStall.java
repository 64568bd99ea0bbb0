package kimg.vm;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Console lines that explain why a guest never ran its command, turned into what to change. A guest that hangs
 * until RunTimeout= says little on its own; these are the causes met on this project's machines.
 */
public final class BootStall {
    private BootStall() {}

    private record Cause(Pattern line, String advice) {}

    private static final List<Cause> CAUSES = List.of(
            // Without MSI a virtio-pci device's interrupt comes from ACPI's _PRT routing method, whose AML loop has a
            // wall-clock limit; under TCG on a busy host it runs out (AE_AML_LOOP_TIMEOUT), the device gets no IRQ and
            // the VirtioFS root (or any virtio disk) never answers. Seen with tinyconfig-based kernels in kimg matrix.
            // With PCI_MSI the same lines appear but the device uses MSI-X and works: hence advice, not a verdict,
            // and only for a guest that never ran its command.
            new Cause(Pattern.compile("virtio-pci \\S+: (can't derive routing for PCI INT|PCI INT [A-D]: no GSI)"),
                    "a virtio-pci device got no legacy interrupt (ACPI _PRT routing failed, which happens under TCG on"
                            + " a busy host); without MSI the VirtioFS root cannot answer: make sure the kernel config"
                            + " has CONFIG_PCI_MSI=y"));

    /**
     * @param line one console line (without CR)
     * @return the advice for the first known cause this line shows, if any
     */
    public static Optional<String> diagnose(String line) {
        for (Cause c : CAUSES) {
            if (c.line().matcher(line).find()) {
                return Optional.of(c.advice());
            }
        }
        return Optional.empty();
    }
}
