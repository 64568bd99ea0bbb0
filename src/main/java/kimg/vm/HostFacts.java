package kimg.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Facts about the host that decide whether KVM can work, read from files in well under a millisecond (the probe
 * boot they spare takes seconds).
 *
 * @param pvm       /sys/module/kvm_pvm exists: /dev/kvm is PVM's, which runs only kernels built as PVM guests
 *                  (a host that is itself a VM with nested PVM; MACHINE-NOTES: -cpu host/max abort, other models
 *                  never get a kernel past decompression)
 * @param virtFlags the CPU flags of /proc/cpuinfo include vmx or svm (KVM's kvm_intel/kvm_amd need one of them)
 */
record HostFacts(boolean pvm, boolean virtFlags) {
    static HostFacts read(Path root) {
        boolean pvm = Files.isDirectory(root.resolve("sys/module/kvm_pvm"));
        boolean flags = false;
        try {
            String flagsLine = Files.readAllLines(root.resolve("proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("flags")).findFirst().orElse("");
            Set<String> words = Set.of(flagsLine.substring(flagsLine.indexOf(':') + 1).trim().split("\\s+"));
            flags = words.contains("vmx") || words.contains("svm");
        } catch (IOException e) {
            // No cpuinfo (not Linux?): leave it to the probe.
            flags = true;
        }
        return new HostFacts(pvm, flags);
    }

    /** Why KVM cannot run a normal kernel here, or null when only a probe can tell. */
    String whyKvmCannotWork() {
        if (pvm) {
            return "it is backed by kvm_pvm (nested PVM), which runs only PVM guest kernels";
        }
        if (!virtFlags) {
            return "the CPU has neither vmx nor svm";
        }
        return null;
    }
}
