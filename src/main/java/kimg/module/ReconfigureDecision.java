package kimg.module;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a kernel build directory needs configuring before make, and why. Reconfigure only when .config is
 * missing, the inputs recorded by {@link KernelConfigStamp} changed (or were never recorded: a configure was
 * interrupted), or {@code make listnewconfig} names symbols .config has no answer for. Otherwise the existing
 * .config is kept, so a rebuild stays incremental.
 *
 * <p>listnewconfig parses every Kconfig file (1.5 s, half of a no-op rebuild), so it runs only when a Kconfig file
 * changed since kbuild last synced the config: kbuild lists them in include/config/auto.conf.cmd and re-syncs
 * include/config/auto.conf whenever one is newer, so "none newer than auto.conf" means "no new symbols possible".
 */
public record ReconfigureDecision(boolean reconfigure, String reason) {
    public static final ReconfigureDecision KEEP = new ReconfigureDecision(false, ".config is up to date");
    /**
     * In a build directory: kimg's record that listnewconfig found nothing new, its mtime the time that check
     * started. A build that reuses an identity runs no make, so kbuild's auto.conf keeps its old mtime after the
     * worktree moved; without this record every later plan would have to say "if listnewconfig finds new symbols".
     */
    static final String CHECKED = "kimg-kconfig-checked";

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

    /** The Kconfig files (relative to the source tree) listed as deps_config in include/config/auto.conf.cmd. */
    static List<String> kconfigFiles(List<String> autoConfCmd) {
        var files = new ArrayList<String>();
        boolean inList = false;
        for (String line : autoConfCmd) {
            if (line.startsWith("deps_config :=")) {
                inList = true;
                continue;
            }
            if (inList) {
                String item = line.strip();
                boolean more = item.endsWith("\\");
                item = (more ? item.substring(0, item.length() - 1) : item).strip();
                if (!item.isEmpty()) {
                    files.add(item);
                }
                if (!more) {
                    break;
                }
            }
        }
        return files;
    }

    /**
     * After {@code make listnewconfig} found no new symbol: records that no Kconfig file older than {@code started}
     * (when the check began, so an edit made while it ran still counts) can bring one.
     */
    public static void recordNoNewSymbols(Path buildDir, FileTime started) {
        Path stamp = buildDir.resolve(CHECKED);
        try {
            Files.writeString(stamp, "listnewconfig found no new symbols\n", StandardCharsets.UTF_8);
            Files.setLastModifiedTime(stamp, started);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * True when kbuild's record of the Kconfig files exists and none of them is missing or newer than
     * include/config/auto.conf (or than kimg's last listnewconfig that found nothing, {@link #recordNoNewSymbols}):
     * then listnewconfig cannot find anything and need not run.
     */
    public static boolean kconfigUnchanged(Path sourceTree, Path buildDir) {
        Path cmd = buildDir.resolve("include/config/auto.conf.cmd");
        Path autoConf = buildDir.resolve("include/config/auto.conf");
        try {
            if (!Files.isRegularFile(cmd) || !Files.isRegularFile(autoConf)) {
                return false;
            }
            List<String> files = kconfigFiles(Files.readAllLines(cmd, StandardCharsets.UTF_8));
            if (files.isEmpty()) {
                return false;
            }
            FileTime synced = Files.getLastModifiedTime(autoConf);
            Path checked = buildDir.resolve(CHECKED);
            if (Files.isRegularFile(checked) && Files.getLastModifiedTime(checked).compareTo(synced) > 0) {
                synced = Files.getLastModifiedTime(checked);
            }
            for (String f : files) {
                Path p = sourceTree.resolve(f);
                if (!Files.exists(p) || Files.getLastModifiedTime(p).compareTo(synced) > 0) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
