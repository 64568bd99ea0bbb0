package kimg.module;

import java.util.Map;
import kimg.config.Config;
import kimg.config.ConfigError;

/**
 * The Environment= variables kimg hands to the kernel's make as variables of its own (LLVM=, LOCALVERSION=),
 * checked before any step: make takes any text, so a slip such as {@code Environment=LLVM=1,LOCALVERSION=-clang}
 * (one variable in mkosi too: Environment= splits on whitespace, not commas) would build without the intended
 * release suffix, and a LOCALVERSION= with a space gives a kernelrelease that {@code /lib/modules/$(uname -r)}
 * scripts and package names cannot hold.
 */
public final class KernelMakeEnvironment {
    private KernelMakeEnvironment() {}

    /**
     * LLVM= as Linux's Documentation/kbuild/llvm.rst describes it: {@code 1}, a toolchain directory ending in
     * {@code /} (a prefix), or a version suffix starting with {@code -} ({@code LLVM=-15}); empty or {@code 0} is
     * kimg's "not LLVM"; a directory must be absolute and hold an executable clang. LOCALVERSION=: printable, no whitespace, no '/'.
     *
     * @throws ConfigError naming the Environment= line (or EnvironmentFiles=) that set the variable (exit 2)
     */
    public static void check(Config config) {
        Map<String, String> env = config.environment();
        String llvm = env.get("LLVM");
        if (llvm != null && !llvmValue(llvm)) {
            throw new ConfigError(config.environmentOrigin("LLVM"), "Environment", "LLVM='" + llvm + "' is not"
                    + " an LLVM= value: 1, a directory ending in '/' or a suffix like -16 (variables are separated"
                    + " by spaces, not commas)");
        }
        if (llvm != null && llvm.endsWith("/") && !llvm.startsWith("/")) {
            // kbuild prefixes clang with it and runs make in the build directory: a relative one would point there.
            throw new ConfigError(config.environmentOrigin("LLVM"), "Environment", "LLVM=" + llvm + ": a toolchain"
                    + " directory must be an absolute path");
        }
        if (llvm != null && llvm.endsWith("/") && !java.nio.file.Files.isExecutable(java.nio.file.Path.of(llvm)
                .resolve("clang"))) {
            throw new ConfigError(config.environmentOrigin("LLVM"), "Environment", "LLVM=" + llvm + " names a"
                    + " toolchain directory without an executable clang");
        }
        String localVersion = env.get("LOCALVERSION");
        if (localVersion != null && !localVersion.matches("[\\p{Graph}&&[^/]]*")) {
            throw new ConfigError(config.environmentOrigin("LOCALVERSION"), "Environment", "LOCALVERSION='"
                    + localVersion + "' has whitespace, '/' or control characters: it becomes part of uname -r and"
                    + " of /lib/modules/$(uname -r)");
        }
    }

    /** Whether kbuild reads {@code value} as kimg means it (see {@link #check}). */
    static boolean llvmValue(String value) {
        return value.isEmpty() || value.equals("0") || value.equals("1")
                || value.matches("[^\\s,=]*/") || value.matches("-[0-9][0-9.]*");
    }
}
