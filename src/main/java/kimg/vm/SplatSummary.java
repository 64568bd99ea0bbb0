package kimg.vm;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The one line that names a splat: its kind, and where it happened once decoded ("in FUNC at FILE:LINE"). */
public final class SplatSummary {
    private SplatSummary() {}

    /** A decoded frame: "func+0x1/0x2" became "func (path/file.c:12)", with a "?" before an unreliable one. */
    private static final Pattern FRAME = Pattern.compile("^(?:\\? )?([A-Za-z_][\\w.]*) \\(([^\\s()]+:\\d+)");
    /** The faulting instruction of an oops or warning, decoded: "RIP: 0010:func (file.c:12)". */
    private static final Pattern RIP = Pattern.compile("\\bRIP: [0-9a-f]{4}:([A-Za-z_][\\w.]*) \\(([^\\s()]+:\\d+)");
    /** The reporting machinery on top of every stack dump: not where the problem is. */
    private static final Pattern MACHINERY = Pattern.compile("^(dump_stack\\w*|__dump_stack|show_stack|panic|vpanic"
            + "|__warn|warn_slowpath\\w*|report_bug|handle_bug|exc_\\w+|asm_exc_\\w+|kasan_\\w+|__kasan_\\w+"
            + "|print_report|print_address_description\\w*|ubsan_\\w+|__ubsan_\\w+|kfence_\\w+|lockdep_\\w+"
            + "|print_\\w+|check_\\w+|__lock_acquire|lock_acquire|debug_check_\\w+|__schedule|schedule\\w*"
            + "|rcu_\\w+|sched_show_task|show_regs|__show_regs)(\\.\\w+)?$");
    /**
     * What a sanitizer says it caught, from its header (mm/kasan/report.c, mm/kfence/report.c, lib/ubsan.c):
     * "BUG: KASAN: use-after-free in f+0x1/0x2", "BUG: KFENCE: out-of-bounds read in f", "UBSAN: shift-out-of-bounds
     * in lib/x.c:12:3".
     */
    private static final Pattern SANITIZER_CLASS = Pattern.compile("^(?:BUG: KASAN|BUG: KFENCE|UBSAN): (.+?) in ");
    private static final Pattern TIMESTAMP = Pattern.compile("^\\[\\s*[\\d.]+\\]\\s*");

    /**
     * @param decoded the report after decode_stacktrace.sh (or the raw lines when it could not run)
     * @return e.g. {@code kernel WARNING in lkdtm_WARNING at drivers/misc/lkdtm/bugs.c:85}, {@code kernel KASAN
     *         use-after-free in lkdtm_WRITE_AFTER_FREE at drivers/misc/lkdtm/heap.c:82}; without a decoded
     *         frame, the kind and the report's own header
     */
    public static String line(Splat splat, List<String> decoded) {
        String what = "kernel " + splat.kind().label;
        Optional<String> where = culprit(decoded);
        if (where.isPresent()) {
            Matcher sanitizer = SANITIZER_CLASS.matcher(splat.title());
            if (sanitizer.find()) {
                // The decoded frame replaces the header, which alone says what the sanitizer caught.
                what += " " + sanitizer.group(1);
            }
            String reason = splat.kind() == SplatKind.PANIC ? " (" + splat.title() + ")" : "";
            return what + " in " + where.get() + reason;
        }
        return what + ": " + splat.title();
    }

    /**
     * "FUNC at FILE:LINE" of the decoded RIP, else of the first reliable frame below the reporting machinery, else
     * of the first unreliable one ("? func": a text address the unwinder found on the stack but not in the chain,
     * such as the printk calls panic() made before dumping the stack).
     */
    static Optional<String> culprit(List<String> decoded) {
        for (String line : decoded) {
            Matcher m = RIP.matcher(line);
            if (m.find()) {
                return Optional.of(m.group(1) + " at " + m.group(2));
            }
        }
        for (boolean reliableOnly : new boolean[] {true, false}) {
            for (String line : decoded) {
                String frame = TIMESTAMP.matcher(line).replaceFirst("").strip();
                Matcher m = FRAME.matcher(frame);
                if (m.find() && !MACHINERY.matcher(m.group(1)).matches()
                        && !(reliableOnly && frame.startsWith("? "))) {
                    return Optional.of(m.group(1) + " at " + m.group(2));
                }
            }
        }
        return Optional.empty();
    }
}
