package kimg.vm;

/**
 * The kinds of kernel complaint kimg recognises on a guest console, with how bad each is for {@code kimg run}.
 * The header formats are the kernel's own (6.1): {@code __warn()} in kernel/panic.c, {@code die()} and the page
 * fault handler in arch/x86, mm/kasan/report.c, mm/kfence/report.c, lib/ubsan.c, kernel/locking/lockdep.c,
 * kernel/hung_task.c, kernel/rcu/tree_stall.h.
 */
public enum SplatKind {
    /** WARN()/WARN_ON(): the kernel carried on. {@code --allow-warn} keeps these non-fatal. */
    WARNING("WARNING", false),
    /** BUG()/BUG_ON() ("kernel BUG at file:line!") and the other "BUG:" reports (soft lockup, sleeping in atomic). */
    BUG("BUG", true),
    /** An oops: a NULL pointer dereference, a page fault the kernel cannot handle, a general protection fault. */
    OOPS("Oops", true),
    KASAN("KASAN", true),
    KFENCE("KFENCE", true),
    UBSAN("UBSAN", true),
    /** lockdep's reports (circular locking, recursive locking, inconsistent state, suspicious RCU usage). */
    LOCKDEP("lockdep", true),
    HUNG_TASK("hung task", true),
    RCU_STALL("RCU stall", true),
    /** "Kernel panic - not syncing": the guest is gone. */
    PANIC("panic", true);

    /** How the one-line summary names the kind. */
    public final String label;
    /** Whether the kernel itself treats it as worse than a warning. */
    public final boolean severe;

    SplatKind(String label, boolean severe) {
        this.label = label;
        this.severe = severe;
    }
}
