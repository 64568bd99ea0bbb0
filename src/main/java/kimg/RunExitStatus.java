package kimg;

import kimg.cli.ExitCode;
import kimg.vm.GuestRun;

/**
 * The exit status of {@code kimg run}: a panic, then any failing splat, then a timeout, then the command's own
 * status. A kernel that complained fails the run even when the command exited 0, and the kernel's complaint wins
 * over a timeout it probably caused (a hung task, an RCU stall).
 */
public final class RunExitStatus {
    private RunExitStatus() {}

    /**
     * @param allowWarnings AllowWarnings= (run --allow-warn): a plain WARNING alone does not fail the run
     * @throws kimg.exec.StepFailed when the guest stopped without a reason above and without the command's status
     */
    public static int of(GuestRun run, boolean allowWarnings) {
        if (run.panicked()) {
            return ExitCode.KERNEL_PANIC.code;
        }
        if (run.splatFails(allowWarnings)) {
            return ExitCode.KERNEL_SPLAT.code;
        }
        if (run.timedOut()) {
            return ExitCode.TIMEOUT.code;
        }
        return run.commandStatusOrFail();
    }
}
