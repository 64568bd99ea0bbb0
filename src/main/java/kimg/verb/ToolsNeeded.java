package kimg.verb;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import kimg.config.Architecture;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.exec.Exec;
import kimg.host.HostTools.Tool;
import kimg.host.HostTools;
import kimg.image.ForeignBinaries;
import kimg.image.RootfsSpec;
import kimg.module.MakeCommands;
import kimg.module.ModuleSelection;

/**
 * The host tools a verb declares with this config, checked before any step runs (mkosi checks its tools up front
 * too): all the missing ones are named in one line and the verb exits 2, unless {@code KIMG_INSTALL_TOOLS=1}
 * lets kimg install them with apt first.
 */
public final class ToolsNeeded {
    private ToolsNeeded() {}

    /**
     * A build's tools: the kernel toolchain when a kernel is built, the package manager and bubblewrap for the
     * image, cpio or systemd-repart for those formats, ssh-keygen for Ssh=yes.
     */
    public static List<Tool> forBuild(Config config, BuildOptions options) {
        var tools = new ArrayList<Tool>();
        List<ModuleSelection.Selected> modules = ModuleSelection.select(config, options.selectedModules());
        boolean kernel = modules.stream().anyMatch(ModuleSelection.Selected::isKernel);
        boolean inImage = modules.stream().anyMatch(m -> m.definition().map(d -> d.runsInImage()).orElse(false));
        Architecture arch = config.architecture();
        if (kernel) {
            tools.addAll(HostTools.KERNEL);
            if (MakeCommands.usesLlvm(config.environment())) {
                tools.addAll(llvm(config.environment().getOrDefault("LLVM", "1")));
            } else if (arch.foreignTo(Architecture.host())) {
                tools.add(Tool.command(arch.gcc(Architecture.host()), arch.gccPackage(Architecture.host())));
            }
        }
        boolean image = !options.incremental() && !config.format().equals("none");
        if (image || inImage) {
            tools.addAll(RootfsSpec.isDebianLike(config.distribution()) ? HostTools.DEBIAN_ROOTFS
                    : List.of(Tool.command("dnf", "dnf")));
            if (arch.foreignTo(Architecture.host())) {
                // mmdebstrap refuses a foreign architecture without arch-test; the image's programs run under
                // qemu-user (ForeignBinaries checks its binfmt handler before any step).
                if (RootfsSpec.isDebianLike(config.distribution())) {
                    tools.add(Tool.command("arch-test", "arch-test"));
                }
                tools.add(Tool.command(arch.binfmtEntry() + "-static", "qemu-user-static"));
            }
        }
        // bubblewrap runs module builds in the image and copies trees into it (overlays, ExtraTrees, postinst).
        if (inImage || image && (!modules.isEmpty() || !config.list("ExtraTrees").isEmpty()
                || !config.list("PostInstallationScripts").isEmpty()
                || Files.exists(config.directory().resolve("mkosi.extra"))
                || Files.exists(config.directory().resolve("mkosi.postinst")))) {
            tools.addAll(HostTools.SANDBOX);
        }
        if (image && config.format().equals("cpio")) {
            tools.addAll(HostTools.CPIO);
        }
        if (image && config.format().equals("disk")) {
            tools.addAll(HostTools.DISK);
        }
        if (image && config.sshInImage()) {
            tools.addAll(HostTools.SSH_KEYGEN);
        }
        // The farm's wrapper (distcc, icecc) before any step; CompileFarm.of also refuses icecream mixed with hosts.
        if (!modules.isEmpty()) {
            kimg.module.CompileFarm.of(config).ifPresent(farm -> tools.add(farm.tool()));
        }
        return tools;
    }

    /** A guest's tools: the build's first when it builds before booting ({@code options}), then QEMU's. */
    public static List<Tool> forGuest(Config config, boolean buildsFirst, BuildOptions options) {
        var tools = new LinkedHashSet<Tool>();
        if (buildsFirst) {
            tools.addAll(forBuild(config, options));
        }
        tools.addAll(qemu(config));
        return List.copyOf(tools);
    }

    /** The guest architecture's QEMU (Debian packages them per family) and virtiofsd. */
    public static List<Tool> qemu(Config config) {
        String binary = config.architecture().qemuBinary();
        if (binary == null) {
            return List.of(HostTools.QEMU.get(1));
        }
        String name = binary.substring("qemu-system-".length());
        String pkg = name.equals("x86_64") || name.equals("i386") ? "qemu-system-x86"
                : name.equals("aarch64") || name.equals("arm") ? "qemu-system-arm"
                : name.startsWith("ppc") ? "qemu-system-ppc"
                : name.equals("s390x") ? "qemu-system-s390x" : "qemu-system-misc";
        return List.of(Tool.command(binary, pkg), HostTools.QEMU.get(1));
    }

    /**
     * Checks {@code needed} before any step: nothing missing returns; missing ones are installed when {@code env}
     * allows it, otherwise the verb stops.
     *
     * @throws ConfigError (exit 2) naming every missing tool and its package, when installing is not allowed
     */
    /** gdb, or gdb-multiarch for a foreign guest (Debian's gdb debugs the host's architecture only). */
    public static List<Tool> gdb(Config config) {
        String gdb = config.architecture().gdb(Architecture.host());
        return List.of(Tool.command(gdb, gdb));
    }

    /**
     * For a foreign image (its tools include qemu-user-static): the binfmt handler mmdebstrap and the image's
     * scripts run under must be registered, checked before any step.
     *
     * @throws ConfigError (exit 2) saying how to register it
     */
    /**
     * What kbuild runs with {@code LLVM=value} (Documentation/kbuild/llvm.rst): clang, ld.lld and the llvm-*
     * binutils; {@code LLVM=-15} their versioned names (Debian's clang-15, lld-15, llvm-15). A path prefix
     * ({@code LLVM=/opt/llvm/bin/}) is the user's own toolchain: nothing to check or install.
     */
    static List<Tool> llvm(String value) {
        if (value.contains("/")) {
            return List.of();
        }
        String suffix = value.startsWith("-") ? value : "";
        return List.of(Tool.command("clang" + suffix, "clang" + suffix), Tool.command("ld.lld" + suffix, "lld" + suffix),
                Tool.command("llvm-ar" + suffix, "llvm" + suffix));
    }

    public static void checkForeign(String verb, Config config, List<Tool> needed) {
        if (needed.stream().anyMatch(t -> t.debianPackage().equals("qemu-user-static"))) {
            ForeignBinaries.problem(config.architecture(), Architecture.host(), ForeignBinaries.BINFMT_MISC)
                    .ifPresent(why -> {
                        throw ConfigError.usage("kimg " + verb + ": " + why);
                    });
        }
    }

    public static void check(String verb, List<Tool> needed, Map<String, String> env, Exec exec) {
        List<Tool> missing = HostTools.missing(needed);
        if (missing.isEmpty()) {
            return;
        }
        if (!HostTools.installAllowed(env)) {
            throw ConfigError.usage(HostTools.missingLine("kimg " + verb, missing));
        }
        HostTools.install(verb, missing, exec);
    }
}
