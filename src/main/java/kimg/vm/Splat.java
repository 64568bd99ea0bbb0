package kimg.vm;

import java.util.List;

/**
 * One kernel complaint as it appeared on the console.
 *
 * @param kind  what it is
 * @param title its header without the timestamp ("WARNING: CPU: 0 PID: 91 at drivers/misc/lkdtm/bugs.c:83 ...")
 * @param lines every console line of the report, timestamps kept, carriage returns dropped
 */
public record Splat(SplatKind kind, String title, List<String> lines) {
    public Splat {
        lines = List.copyOf(lines);
    }
}
