package kimg.cli;

/** kimg's exit statuses, in one place. `run` returns the guest command's own status instead. */
public enum ExitCode {
    OK(0),
    /** a step failed: make, a package manager, a build script, QEMU */
    STEP_FAILED(1),
    /** bad usage or configuration */
    USAGE(2),
    /** a bug in kimg, not the user's input nor a failed step (sysexits.h's EX_SOFTWARE) */
    INTERNAL(70),
    /** stopped by SIGINT (Ctrl-C) or SIGTERM; the shell's 128 + SIGINT (the JVM exits so anyway once its hooks ran) */
    INTERRUPTED(130);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
