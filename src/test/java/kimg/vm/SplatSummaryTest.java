package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The one line per splat, from decode_stacktrace.sh's output (its format: "func (file:line) module"). */
class SplatSummaryTest {
    static Splat splat(SplatKind kind, String title) {
        return new Splat(kind, title, List.of(title));
    }

    @Test
    void theDecodedRipNamesAWarning() {
        List<String> decoded = List.of(
                "[     3.958799] WARNING: CPU: 0 PID: 93 at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING (drivers/misc/lkdtm/bugs.c:85) lkdtm",
                "[     3.960815] RIP: 0010:lkdtm_WARNING (drivers/misc/lkdtm/bugs.c:85) lkdtm",
                "[     3.965998] lkdtm_do_action (drivers/misc/lkdtm/core.c:166) lkdtm");
        assertEquals("kernel WARNING in lkdtm_WARNING at drivers/misc/lkdtm/bugs.c:85",
                SplatSummary.line(splat(SplatKind.WARNING, "WARNING: CPU: 0 PID: 93 at ..."), decoded));
    }

    @Test
    void aPanicIsNamedByTheFirstFrameBelowTheReportingMachineryAndKeepsItsReason() {
        List<String> decoded = List.of(
                "[     3.904799] Kernel panic - not syncing: dumptest",
                "[     3.906294] dump_stack_lvl (lib/dump_stack.c:107)",
                "[     3.906532] panic (kernel/panic.c:306)",
                "[     3.906600] ? vprintk_default (kernel/printk/printk.c:2319)",
                "[     3.906738] lkdtm_PANIC (drivers/misc/lkdtm/bugs.c:73) lkdtm",
                "[     3.908760] RIP: 0033:0x7f2a7a0773f0");
        assertEquals("kernel panic in lkdtm_PANIC at drivers/misc/lkdtm/bugs.c:73 (Kernel panic - not syncing:"
                + " dumptest)", SplatSummary.line(splat(SplatKind.PANIC, "Kernel panic - not syncing: dumptest"),
                        decoded));
    }

    @Test
    void unreliableFramesAndInlinedLocationsStillName() {
        List<String> decoded = List.of("[    21.098441] ? kasan_report (mm/kasan/report.c:465)",
                "[    21.098668] ? kmalloc_oob_right (lib/test_kasan.c:120 (discriminator 1)) kasan_test");
        assertEquals("kernel KASAN slab-out-of-bounds in kmalloc_oob_right at lib/test_kasan.c:120",
                SplatSummary.line(splat(SplatKind.KASAN, "BUG: KASAN: slab-out-of-bounds in ..."), decoded));
    }

    @Test
    void aSanitizerSaysWhatItCaught() {
        List<String> decoded = List.of("[    9.1] lkdtm_WRITE_AFTER_FREE (drivers/misc/lkdtm/heap.c:82) lkdtm");
        assertEquals("kernel KASAN use-after-free in lkdtm_WRITE_AFTER_FREE at drivers/misc/lkdtm/heap.c:82",
                SplatSummary.line(splat(SplatKind.KASAN, "BUG: KASAN: use-after-free in lkdtm_WRITE_AFTER_FREE+0x4b/0x80"
                        + " [lkdtm]"), decoded));
        assertEquals("kernel KFENCE use-after-free read in lkdtm_WRITE_AFTER_FREE at drivers/misc/lkdtm/heap.c:82",
                SplatSummary.line(splat(SplatKind.KFENCE, "BUG: KFENCE: use-after-free read in f+0x1/0x2"), decoded));
        assertEquals("kernel UBSAN shift-out-of-bounds in lkdtm_WRITE_AFTER_FREE at drivers/misc/lkdtm/heap.c:82",
                SplatSummary.line(splat(SplatKind.UBSAN, "UBSAN: shift-out-of-bounds in lib/x.c:12:3"), decoded));
    }

    @Test
    void withoutADecodedFrameTheHeaderIsTheSummary() {
        Splat bug = splat(SplatKind.BUG, "kernel BUG at drivers/misc/lkdtm/bugs.c:78!");
        assertEquals("kernel BUG: kernel BUG at drivers/misc/lkdtm/bugs.c:78!", SplatSummary.line(bug, bug.lines()));
    }
}
