package kimg.cli;

/**
 * kimg's exit statuses, in one place. {@code run} returns the guest command's own status when the kernel stayed
 * quiet and the command finished; otherwise one of the three codes below, whatever the command returned.
 */
public enum ExitCode {
    OK(0),
    /** a step failed: make, a package manager, a build script, QEMU */
    STEP_FAILED(1),
    /** bad usage or configuration */
    USAGE(2),
    /** a bug in kimg, not the user's input nor a failed step (sysexits.h's EX_SOFTWARE) */
    INTERNAL(70),
    /** stopped by SIGINT (Ctrl-C) or SIGTERM; the shell's 128 + SIGINT (the JVM exits so anyway once its hooks ran) */
    INTERRUPTED(130),
    /** run: the kernel reported a WARNING (unless --allow-warn), BUG, oops, KASAN/KFENCE/UBSAN, lockdep, hung task or RCU stall */
    KERNEL_SPLAT(90),
    /** run: the guest kernel panicked (this wins over a splat that led to it) */
    KERNEL_PANIC(91),
    /** run: RunTimeout= ran out before the command finished (timeout(1)'s code) */
    TIMEOUT(124);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
