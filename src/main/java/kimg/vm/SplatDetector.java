package kimg.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Finds kernel complaints in a guest's console, line by line, as they arrive. Pure: it holds what it has seen and
 * nothing else; the caller feeds lines ({@link #accept}) and ends the stream ({@link #finish}). A caller that acts
 * on a report while the guest runs (kimg qemu's live triage) gives a listener, told of each report as it ends.
 *
 * <p>A report starts at its header (see {@link SplatKind} for where each is printed) and ends at the kernel's own
 * end marker: {@code ---[ end trace ... ]---} (WARN, BUG, oops), {@code ---[ end Kernel panic ...} (a panic, which
 * with panic=-1 reboots before printing it, so the end of the console ends it too), the closing rule of the
 * framed reports (KASAN, KFENCE, UBSAN), or the first {@code </TASK>} for reports that are one stack dump (lockdep,
 * hung task, RCU stall). A new header ends the open report; {@value #MAX_LINES} lines end a runaway one.
 */
public final class SplatDetector {
    static final int MAX_LINES = 400;

    /** printk's time prefix ([    1.234567]) and, with CONFIG_PRINTK_CALLER, the caller id ([  T91]). */
    private static final Pattern PREFIX = Pattern.compile("^\\[\\s*\\d+\\.\\d+\\](\\[\\s*[CT]\\d+\\])?\\s?");
    private static final Pattern RULE = Pattern.compile("^={20,}$");
    private static final String CUT_HERE = "------------[ cut here ]------------";

    private record Header(SplatKind kind, Pattern pattern) {}

    /** In order: the first match wins, so the specific "BUG: KASAN:" comes before the generic "BUG:". */
    private static final List<Header> HEADERS = List.of(
            new Header(SplatKind.PANIC, Pattern.compile("^Kernel panic - not syncing")),
            new Header(SplatKind.KASAN, Pattern.compile("^BUG: KASAN: ")),
            new Header(SplatKind.KFENCE, Pattern.compile("^BUG: KFENCE: ")),
            new Header(SplatKind.UBSAN, Pattern.compile("^UBSAN: ")),
            new Header(SplatKind.LOCKDEP, Pattern.compile("^WARNING: (possible (circular|recursive) locking"
                    + "|possible irq lock inversion|inconsistent lock state|suspicious RCU usage"
                    + "|bad unlock balance detected|held lock freed|lock held when returning to user space"
                    + "|\\S+-safe -> \\S+-unsafe lock order detected|Nested lock was not taken)")),
            new Header(SplatKind.WARNING, Pattern.compile("^WARNING: CPU: \\d+ PID: \\d+ ")),
            new Header(SplatKind.BUG, Pattern.compile("^kernel BUG at ")),
            new Header(SplatKind.OOPS, Pattern.compile("^(BUG: kernel NULL pointer dereference|BUG: unable to handle"
                    + "|general protection fault|Oops: |Internal error: Oops|invalid opcode: )")),
            new Header(SplatKind.HUNG_TASK, Pattern.compile("^INFO: task \\S+ blocked for more than \\d+ seconds")),
            new Header(SplatKind.RCU_STALL, Pattern.compile("^rcu: INFO: \\S+ (self-)?detected stall")),
            new Header(SplatKind.BUG, Pattern.compile("^BUG: ")));

    private final List<Splat> found = new ArrayList<>();
    private final Consumer<Splat> onEnd;
    private SplatKind openKind;
    private String openTitle;
    private List<String> open;
    private String previous;

    public SplatDetector() {
        this(splat -> {});
    }

    /** @param onEnd told of each report when it ends, on the thread that fed the line (or called finish) */
    public SplatDetector(Consumer<Splat> onEnd) {
        this.onEnd = onEnd;
    }

    /** Feeds one console line (a trailing carriage return is dropped). */
    public void accept(String rawLine) {
        String line = rawLine.replace("\r", "");
        String text = PREFIX.matcher(line).replaceFirst("");
        SplatKind kind = headerKind(text);
        if (kind != null && !continues(kind, text)) {
            close();
            openKind = kind;
            openTitle = text.strip();
            open = new ArrayList<>();
            if (previous != null && leadsIn(kind, PREFIX.matcher(previous).replaceFirst(""))) {
                open.add(previous);
            }
            open.add(line);
        } else if (open != null) {
            open.add(line);
            if (ends(text) || open.size() >= MAX_LINES) {
                close();
            }
        }
        previous = line;
    }

    /** Ends the stream and returns every report seen, in order. */
    public List<Splat> finish() {
        close();
        return List.copyOf(found);
    }

    /** Every report in {@code lines}. */
    public static List<Splat> scan(List<String> lines) {
        var d = new SplatDetector();
        lines.forEach(d::accept);
        return d.finish();
    }

    static SplatKind headerKind(String text) {
        for (Header h : HEADERS) {
            if (h.pattern.matcher(text).find()) {
                return h.kind;
            }
        }
        return null;
    }

    /** An oops names itself twice ("BUG: kernel NULL pointer dereference", then "Oops: 0002 [#1]"); one report. */
    private boolean continues(SplatKind kind, String text) {
        return open != null && (openKind == SplatKind.OOPS || openKind == SplatKind.BUG)
                && kind == SplatKind.OOPS && OOPS_LINE.matcher(text).find();
    }

    private static final Pattern OOPS_LINE = Pattern.compile("^(Oops: |invalid opcode: |general protection fault"
            + "|Internal error: Oops)");

    /** The line the kernel prints just before a header belongs to the report. */
    private static boolean leadsIn(SplatKind kind, String previousText) {
        return switch (kind) {
            case WARNING, BUG -> previousText.equals(CUT_HERE);
            case KASAN, KFENCE, UBSAN, LOCKDEP -> RULE.matcher(previousText).matches();
            default -> false;
        };
    }

    private boolean ends(String text) {
        return switch (openKind) {
            case KASAN, KFENCE, UBSAN -> RULE.matcher(text).matches();
            case LOCKDEP, HUNG_TASK, RCU_STALL -> text.strip().equals("</TASK>");
            case PANIC -> text.startsWith("---[ end Kernel panic");
            default -> text.startsWith("---[ end trace");
        };
    }

    private void close() {
        Splat ended = open == null ? null : new Splat(openKind, openTitle, open);
        open = null;
        openKind = null;
        openTitle = null;
        if (ended != null) {
            found.add(ended);
            onEnd.accept(ended);
        }
    }
}
