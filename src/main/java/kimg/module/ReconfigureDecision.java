package kimg.module;

import java.util.List;

/**
 * Whether a kernel build directory needs configuring before make, and why. Reconfigure only when .config is
 * missing, the inputs recorded by {@link KernelConfigStamp} changed (or were never recorded: a configure was
 * interrupted), or {@code make listnewconfig} names symbols .config has no answer for. Otherwise the existing
 * .config is kept, so a rebuild stays incremental.
 */
public record ReconfigureDecision(boolean reconfigure, String reason) {
    public static final ReconfigureDecision KEEP = new ReconfigureDecision(false, ".config is up to date");

    /** The first check, from files alone; {@link #KEEP} means: ask listnewconfig next. */
    public static ReconfigureDecision fromStamp(
            boolean dotConfigExists, KernelConfigStamp stored, KernelConfigStamp current) {
        if (!dotConfigExists) {
            return new ReconfigureDecision(true, "no .config yet");
        }
        if (stored == null) {
            return new ReconfigureDecision(true, "no record of a finished configure");
        }
        String changed = current.changedSince(stored);
        return changed == null ? KEEP : new ReconfigureDecision(true, changed);
    }

    /** The second check: {@code newSymbols} is the output of {@code make -s listnewconfig}. */
    public static ReconfigureDecision fromNewSymbols(List<String> newSymbols) {
        List<String> symbols = newSymbols.stream().map(String::strip).filter(s -> s.startsWith("CONFIG_")).toList();
        if (symbols.isEmpty()) {
            return KEEP;
        }
        String names = String.join(", ", symbols.stream().limit(5).map(s -> s.replaceFirst("=.*", "")).toList());
        return new ReconfigureDecision(true, symbols.size() + " new kconfig symbol(s) in the tree (" + names
                + (symbols.size() > 5 ? ", ..." : "") + ")");
    }
}
