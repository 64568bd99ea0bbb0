package kimg.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * The probe that tells whether QEMU can run guest code under an accelerator: a 64 KiB firmware whose reset vector
 * writes one byte to QEMU's isa-debug-exit port, so QEMU exits with a status only guest code can produce, about
 * 0.1 s after it starts (no kernel, no console, no timeout reached on a working host).
 *
 * <p>It catches what stops KVM before or at the first guest instruction: no KVM module behind /dev/kvm, an API
 * version QEMU refuses, VM or vCPU creation refused (another hypervisor holds VT-x, nested virtualisation off), a
 * CPU model whose features or MSRs the host cannot set. It does not catch a host that runs firmware but not a
 * kernel (nested PVM): {@link HostFacts} rules that out first, from files.
 */
final class KvmProbe {
    private KvmProbe() {}

    /** The I/O port of QEMU's isa-debug-exit device; a byte V written there makes QEMU exit with (V << 1) | 1. */
    static final int EXIT_PORT = 0xf4;
    /** The byte the firmware writes. */
    static final int EXIT_BYTE = 0x2a;
    /** QEMU's exit status once the firmware ran: (0x2a << 1) | 1. */
    static final int GUEST_RAN = (EXIT_BYTE << 1) | 1;
    /** A working probe ends in about 0.1 s (0.5 s on a loaded host); this only bounds a vCPU that never runs. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** QEMU's PC machine takes a BIOS image of whole 64 KiB blocks, mapped to end at 4 GiB. */
    static final int FIRMWARE_SIZE = 64 * 1024;

    /**
     * The firmware image: {@code hlt} everywhere, and at the reset vector (16 bytes from the end, real mode)
     * {@code mov al, 0x2a; out 0xf4, al; hlt; jmp back to the hlt}.
     */
    static byte[] firmware() {
        byte[] image = new byte[FIRMWARE_SIZE];
        Arrays.fill(image, (byte) 0xf4);
        byte[] resetVector = {(byte) 0xb0, (byte) EXIT_BYTE, (byte) 0xe6, (byte) EXIT_PORT, (byte) 0xf4, (byte) 0xeb,
                (byte) 0xfd};
        System.arraycopy(resetVector, 0, image, FIRMWARE_SIZE - 16, resetVector.length);
        return image;
    }

    /** QEMU's command line for one probe of {@code accel} with the firmware at {@code firmware}. */
    static List<String> argv(Path firmware, Accelerator accel) {
        var argv = new ArrayList<>(List.of(kimg.config.Architecture.X86_64.qemuBinary(), "-nodefaults", "-no-user-config", "-display",
                "none", "-serial", "none", "-monitor", "none", "-machine", "pc", "-m", "16M"));
        argv.addAll(accel.qemuArgs());
        argv.addAll(List.of("-bios", firmware.toString(), "-device",
                "isa-debug-exit,iobase=0x" + Integer.toHexString(EXIT_PORT) + ",iosize=0x1"));
        return argv;
    }

    /** Whether the firmware ran under {@code accel}: one QEMU process, its log in step {@code accel-probe-MODEL}. */
    static boolean runs(Exec exec, Accelerator accel) {
        Path firmware;
        try {
            firmware = Files.createTempFile("kimg-probe-", ".bin");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Files.write(firmware, firmware());
            String step = "accel-probe-" + (accel.cpu() == null ? "tcg" : accel.cpu());
            return exec.stream(step, Cmd.of(argv(firmware, accel)), TIMEOUT, line -> { })
                    .exitStatus() == GUEST_RAN;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(firmware);
            } catch (IOException e) {
                // A 64 KiB file in the temporary directory: not worth failing the boot over.
            }
        }
    }
}
