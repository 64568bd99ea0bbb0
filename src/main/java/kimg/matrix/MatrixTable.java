package kimg.matrix;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** The one table {@code kimg matrix} prints: a row per cell, in plan order. */
public final class MatrixTable {
    /**
     * The first line of a kernel splat on the console: BUG (KASAN reports are "BUG: KASAN: ..."), WARNING (lockdep
     * reports too), UBSAN, an oops, a GPF, a panic, a hung task.
     */
    static final Pattern SPLAT = Pattern.compile(
            "(BUG: |WARNING: |UBSAN: |Oops|general protection fault|Kernel panic|INFO: task .+ blocked)");

    private MatrixTable() {}

    /**
     * @param build   how long the build took (null: it did not run)
     * @param boot    boot plus CMD until the guest powered off (null: it did not run)
     * @param status  CMD's exit status in the guest (null: no status, see {@code failure})
     * @param splats  kernel splats seen on the console
     * @param failure the step that failed and why, or null
     * @param console the file holding the guest's console (null: it did not boot)
     */
    public record Row(MatrixPlan.Cell cell, Duration build, Duration boot, Integer status, int splats,
            String failure, java.nio.file.Path console) {
        public boolean ok() {
            return failure == null && status != null && status == 0 && splats == 0;
        }

        /** What went wrong, in words, and where the console is: "" for a good row. */
        String note() {
            if (ok()) {
                return "";
            }
            String why = failure != null ? failure : status == null ? "no status" : switch (status) {
                case 124 -> "timed out (RunTimeout=)";
                case 91 -> "kernel panic";
                case 90 -> "kernel splat";
                case 130 -> "interrupted";
                case 0 -> "kernel splat";
                default -> "CMD exited " + status;
            };
            return console == null ? why : why + "; console: " + console;
        }
    }

    /** Splat first lines in a guest's console text. */
    static int splats(String console) {
        return (int) console.lines().filter(l -> SPLAT.matcher(l).find()).count();
    }

    static String text(List<Row> rows) {
        var sb = new StringBuilder();
        String format = "%-22s %9s %9s %7s %7s  %s%n";
        sb.append(String.format(Locale.ROOT, format, "cell", "build", "boot+cmd", "status", "splats", ""));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.cell().name(), seconds(r.build()), seconds(r.boot()),
                    r.status() == null ? "-" : r.status().toString(), r.boot() == null ? "-" : Integer.toString(r.splats()),
                    r.note()));
        }
        return sb.toString();
    }

    private static String seconds(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }
}
