package kimg.module;

import kimg.config.Architecture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's command lines as pure functions: every make (and merge_config.sh) invocation kimg runs for a
 * kernel, built from the source tree, the build directory (O=), the job count and the make variables.
 * {@link KernelBuilder} runs them; golden tests pin them.
 *
 * @param variables make variable assignments ({@code NAME=value}) given to every make; see {@link #variables}
 */
public record MakeCommands(Path sourceTree, Path buildDir, int jobs, List<String> variables) {
    /**
     * Fixed build identity: kbuild bakes the time, host and user into init/version*.o, so the real ones would
     * relink vmlinux on every build and a no-op build would not be one.
     */
    static final String BUILD_TIMESTAMP = "1970-01-01 00:00:00 UTC";
    static final String BUILD_HOST = "kimg";
    static final String BUILD_USER = "kimg";

    /** Environment= keys passed to make as they are (compiler flags and warning levels a developer sets). */
    static final List<String> PASSED_THROUGH = List.of("KCFLAGS", "KCPPFLAGS", "KAFLAGS", "W", "C");

    public MakeCommands {
        variables = List.copyOf(variables);
    }

    /**
     * The make variables for a kernel build.
     *
     * <ul>
     *   <li>KBUILD_BUILD_TIMESTAMP/HOST/USER fixed (unless Environment= sets them) so rebuilds stay incremental;
     *   <li>LOCALVERSION= always given, empty when Environment= has none: kbuild then does not append a "+"
     *       from `git describe` (which would also make the release differ from the LV that named the directory);
     *   <li>LLVM=1 when Environment= has CC=clang (or clang-NN) or LLVM=...; another CC= is passed as CC;
     *   <li>CC="ccache ..." when {@code useCcache} (Environment=CCACHE=1 and ccache installed);
     *   <li>ARCH= and CROSS_COMPILE= when the target architecture is not the host's (CROSS_COMPILE not with LLVM).
     * </ul>
     */
    public static List<String> variables(Map<String, String> env, boolean useCcache, Architecture target, Architecture host) {
        var vars = new ArrayList<String>();
        vars.add("KBUILD_BUILD_TIMESTAMP=" + env.getOrDefault("KBUILD_BUILD_TIMESTAMP", BUILD_TIMESTAMP));
        vars.add("KBUILD_BUILD_HOST=" + env.getOrDefault("KBUILD_BUILD_HOST", BUILD_HOST));
        vars.add("KBUILD_BUILD_USER=" + env.getOrDefault("KBUILD_BUILD_USER", BUILD_USER));
        vars.add("LOCALVERSION=" + env.getOrDefault("LOCALVERSION", ""));
        if (target != host) {
            vars.add("ARCH=" + target.kbuildArch());
        }
        String cc = env.getOrDefault("CC", "");
        boolean llvm = usesLlvm(env);
        if (llvm) {
            String value = env.getOrDefault("LLVM", "1");
            // LLVM=1 picks clang, ld.lld and llvm-*; a path or -NN suffix (LLVM=-15) is passed as given.
            vars.add("LLVM=" + (value.isEmpty() || value.equals("0") ? "1" : value));
        } else if (target != host) {
            vars.add("CROSS_COMPILE=" + target.crossCompilePrefix());
        }
        if (useCcache) {
            String compiler = llvm ? (isClang(cc) ? cc : "clang")
                    : !cc.isEmpty() ? cc
                    : (target != host ? target.crossCompilePrefix() : "") + "gcc";
            vars.add("CC=ccache " + compiler);
        } else if (!cc.isEmpty() && !cc.equals("clang")) {
            // LLVM=1 already means CC=clang; anything else (clang-15, gcc-12, a path) is passed as given.
            vars.add("CC=" + cc);
        }
        for (String key : PASSED_THROUGH) {
            if (env.containsKey(key)) {
                vars.add(key + "=" + env.get(key));
            }
        }
        return vars;
    }

    /** Environment= builds with LLVM (CC=clang or clang-NN, or LLVM= set): clang targets every architecture. */
    public static boolean usesLlvm(Map<String, String> env) {
        return isClang(env.getOrDefault("CC", ""))
                || (env.containsKey("LLVM") && !Set.of("", "0").contains(env.get("LLVM")));
    }

    static boolean isClang(String cc) {
        String name = Path.of(cc.isEmpty() ? "x" : cc).getFileName().toString();
        return name.equals("clang") || name.startsWith("clang-");
    }

    /** Environment=CCACHE=1 (or yes/true) asks for ccache. */
    public static boolean wantsCcache(Map<String, String> env) {
        return EnvironmentSwitches.ON.contains(env.getOrDefault("CCACHE", "0").toLowerCase(java.util.Locale.ROOT));
    }

    /** {@code make -C <tree> O=<build> <variables> <args>}: the prefix of every kernel make. */
    List<String> make(boolean parallel, List<String> args) {
        var argv = new ArrayList<String>();
        argv.add("make");
        argv.add("-C");
        argv.add(sourceTree.toString());
        argv.add("O=" + buildDir);
        if (parallel) {
            argv.add("-j" + jobs);
        }
        argv.addAll(variables);
        argv.addAll(args);
        return argv;
    }

    /** The base config ({@code make tinyconfig}, {@code make defconfig kvm_guest.config}, ...). */
    public List<String> baseConfig(List<String> targets) {
        return make(false, targets);
    }

    /** A whole config file applied over the defaults: symbols it leaves out get their default values. */
    public List<String> allDefConfig(Path configFile) {
        return make(false, List.of("KCONFIG_ALLCONFIG=" + configFile, "alldefconfig"));
    }

    /**
     * Fragments merged into {@code <build>/.config} by the tree's own merge_config.sh. -m: merge only (we run
     * olddefconfig ourselves, with our variables). It writes temp files into its working directory, so it must run
     * in the build directory, never in the (read-only) source tree.
     */
    public List<String> mergeConfig(List<Path> fragments) {
        var argv = new ArrayList<String>();
        argv.add("sh");
        argv.add(sourceTree.resolve("scripts/kconfig/merge_config.sh").toString());
        argv.add("-m");
        argv.add("-O");
        argv.add(buildDir.toString());
        argv.add(buildDir.resolve(".config").toString());
        fragments.forEach(f -> argv.add(f.toString()));
        return argv;
    }

    /** One kbuild target run as it is: menuconfig, nconfig, rust-analyzer. */
    public List<String> target(String target) {
        return make(false, List.of(target));
    }

    public List<String> olddefconfig() {
        return make(false, List.of("olddefconfig"));
    }

    /** Symbols the tree has that .config has no answer for (the source moved on since the last configure). */
    public List<String> listNewConfig() {
        return make(false, List.of("-s", "listnewconfig"));
    }

    /** The build itself: {@code goals} are e.g. bzImage modules scripts_gdb compile_commands.json. */
    public List<String> build(List<String> goals) {
        return make(true, goals);
    }

    /**
     * Modules installed under {@code installModPath}/lib/modules/<release>, depmod included (kbuild runs it when
     * depmod is on PATH). INSTALL_MOD_STRIP=1: each copy is stripped with {@code $(STRIP) --strip-debug} before it
     * is signed (scripts/Makefile.modinst: install, strip, sign), so signatures stay valid and .BTF, which is not a
     * debug section, stays. The guest reads modules through its virtiofs root: a module with DWARF (btrfs.ko is
     * 23 MB, 1.5 MB stripped) is read in one direct-I/O request whose allocation fails, and the guest hangs. gdb
     * reads the unstripped modules in the build directory.
     */
    public List<String> modulesInstall(Path installModPath) {
        return make(false, List.of("INSTALL_MOD_PATH=" + installModPath, "INSTALL_MOD_STRIP=1", "modules_install"));
    }

    /**
     * The strip {@code modules_install} runs on an installed module with INSTALL_MOD_STRIP=1, for kimg's own
     * incremental install: {@code <strip> --strip-debug MODULE}, in place.
     */
    public List<String> stripDebug(Path module) {
        return List.of(stripProgram(), "--strip-debug", module.toString());
    }

    /**
     * kbuild's STRIP for these variables (Linux 6.1 Makefile): with LLVM= set, llvm-strip, with LLVM=DIR/ as a
     * prefix or LLVM=-NN as a suffix; otherwise {@code $(CROSS_COMPILE)strip}.
     */
    String stripProgram() {
        String llvm = variable("LLVM");
        if (llvm != null && !llvm.isEmpty()) {
            return llvm.endsWith("/") ? llvm + "llvm-strip" : llvm.startsWith("-") ? "llvm-strip" + llvm : "llvm-strip";
        }
        String cross = variable("CROSS_COMPILE");
        return (cross == null ? "" : cross) + "strip";
    }

    /** The value of make variable {@code name} as these commands pass it (the last assignment), or null. */
    private String variable(String name) {
        String value = null;
        for (String v : variables) {
            if (v.startsWith(name + "=")) {
                value = v.substring(name.length() + 1);
            }
        }
        return value;
    }

    /** The selftests asked for, built and installed into {@code <build>/selftests} ({@link Selftests#makeArgs}). */
    public List<String> selftestsInstall(Selftests selftests) {
        return make(true, selftests.makeArgs(buildDir));
    }

    /**
     * depmod over an installed release directory, as kbuild's scripts/depmod.sh runs it after modules_install:
     * {@code -a} all modules, {@code -e -F System.map} to report symbols neither a module nor vmlinux provides.
     * {@code base} holds {@code lib/modules/<release>} (depmod has no option for another layout).
     */
    public List<String> depmod(Path base, String release) {
        return List.of("depmod", "-ae", "-F", buildDir.resolve("System.map").toString(), "-b", base.toString(), release);
    }
}
