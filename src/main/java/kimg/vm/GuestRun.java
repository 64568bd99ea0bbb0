package kimg.vm;

import java.util.ArrayList;
import java.util.List;
import kimg.exec.Exec;
import kimg.exec.StepFailed;

/**
 * What one {@code kimg run} boot came to.
 *
 * @param commandStatus the guest command's exit status; null when the guest never reported one (it panicked,
 *                      hung until the timeout, or stopped early)
 * @param splats        every kernel report seen on the console, in order
 * @param triaged       the first of them decoded and saved ({@link SplatTriage})
 * @param timedOut      whether RunTimeout= ran out before the command finished (QEMU was then stopped)
 * @param qemu          QEMU's own result (its log holds the whole console)
 * @param lastLines     the console's last lines, for a failure message
 */
public record GuestRun(Integer commandStatus, List<Splat> splats, List<SplatTriage.Triaged> triaged,
        boolean timedOut, Exec.Result qemu, List<String> lastLines) {
    public GuestRun {
        splats = List.copyOf(splats);
        triaged = List.copyOf(triaged);
        lastLines = List.copyOf(lastLines);
    }

    public boolean panicked() {
        return splats.stream().anyMatch(s -> s.kind() == SplatKind.PANIC);
    }

    /** Whether a splat fails the run: any but a plain WARNING, which fails it only without {@code allowWarnings}. */
    public boolean splatFails(boolean allowWarnings) {
        return splats.stream().anyMatch(s -> s.kind().severe || !allowWarnings);
    }

    /**
     * The command's status, or a failed step naming why there is none, with the console's last lines (for callers
     * that only care about the command).
     *
     * @throws StepFailed when the guest never reported the command's status
     */
    public int commandStatusOrFail() {
        if (commandStatus != null) {
            return commandStatus;
        }
        String why = panicked() ? "the guest kernel panicked"
                : timedOut ? "the guest command ran longer than RunTimeout= and was stopped"
                : "the guest stopped without reporting the command's exit status (QEMU exit " + qemu.exitStatus() + ")";
        var lines = new ArrayList<String>();
        lines.add(why);
        lines.addAll(lastLines);
        throw new StepFailed("qemu", qemu.log(), qemu.exitStatus() == 0 ? 1 : qemu.exitStatus(), lines);
    }
}
