package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import org.junit.jupiter.api.Test;

class ConsoleWatchTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final VmRunner.ConsoleWatch watch = new VmRunner.ConsoleWatch(new PrintStream(out, true));

    private static Exec.Result qemuExit(int status) {
        return new Exec.Result(status, Path.of("/logs/03-qemu.log"), Duration.ZERO, List.of());
    }

    @Test
    void exitStatusMarkerIsTheResultAndNotPrinted() {
        watch.accept("6.1.192\r");
        watch.accept("KIMG_EXIT_STATUS=3\r");
        watch.accept("[    2.5] reboot: Power down\r");
        assertEquals(3, watch.status());
        assertEquals("6.1.192\n", out.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void guestPanicFailsWithTheLastConsoleLines() {
        watch.accept("[    1.0] VFS: Unable to mount root fs");
        watch.accept("[    1.1] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)");
        GuestRun run = new GuestRun(watch.status(), watch.splats(), List.of(), false, qemuExit(0), watch.lastLines());
        StepFailed e = assertThrows(StepFailed.class, run::commandStatusOrFail);
        assertEquals("the guest kernel panicked", e.lastLines().get(0));
        assertTrue(e.lastLines().get(2).contains("Kernel panic"));
        assertTrue(e.exitStatus() != 0);
    }

    @Test
    void aGuestThatNeverReportsFails() {
        watch.accept("login:");
        GuestRun run = new GuestRun(watch.status(), watch.splats(), List.of(), false, qemuExit(0), watch.lastLines());
        StepFailed e = assertThrows(StepFailed.class, run::commandStatusOrFail);
        assertTrue(e.lastLines().get(0).contains("without reporting"));
    }

    /** The lines a tinyconfig kernel without PCI_MSI printed before hanging in a by-hand kimg matrix (TCG, busy host). */
    @Test
    void aVirtioDeviceWithoutAnInterruptIsNamedAsTheStall() {
        watch.accept("[    4.66] acpi PNP0A03:00: fail to add MMCONFIG information\r");
        assertTrue(watch.stall().isEmpty());
        watch.accept("[   39.50] ACPI Error: Aborting method \\_SB.PCI0._PRT due to previous error (AE_AML_LOOP_TIMEOUT)");
        watch.accept("[   39.66] virtio-pci 0000:00:02.0: can't derive routing for PCI INT A\r");
        watch.accept("[   39.66] virtio-pci 0000:00:02.0: PCI INT A: no GSI\r");
        for (int i = 0; i < VmRunner.ConsoleWatch.TAIL_LINES + 5; i++) {
            watch.accept("[   42.8] later line " + i);
        }
        assertTrue(watch.stall().orElseThrow().contains("CONFIG_PCI_MSI=y"), "found even when out of the tail");
        assertTrue(BootStall.diagnose("[ 1.0] virtio-pci 0000:00:03.0: PCI INT A: no GSI").isPresent());
        assertTrue(BootStall.diagnose("[ 1.0] virtio-pci 0000:00:03.0: enabling device (0000 -> 0003)").isEmpty());
    }
}
