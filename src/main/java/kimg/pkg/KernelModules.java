package kimg.pkg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ModuleDef;
import kimg.config.Settings;
import kimg.config.Value;

/**
 * Which enabled modules are out-of-tree kernel modules, the ones {@code kimg package} builds against the -devel tree
 * and packages (issue 15): a module directory whose own mkosi.conf (or a file under the module's directory, such as
 * its mkosi.conf.d/) says {@code KernelModule=yes}, or, when it says nothing, one with a {@code Kbuild} file.
 * {@code KernelModule=no} keeps a directory with a Kbuild file out.
 *
 * <p>KernelModule= describes the module whose directory holds the file that sets it, so one project can declare
 * several modules; the last value from a module's files counts.
 */
public final class KernelModules {
    private KernelModules() {}

    /**
     * The enabled kernel modules, in the config's module order.
     *
     * @throws ConfigError naming the line when KernelModule= is set outside every module's directory (the command
     *     line, the project's own mkosi.conf), or says yes for a module with neither a Kbuild file nor a Makefile
     *     (kbuild's M= build reads one of them)
     */
    public static List<ModuleDef> of(Config config) {
        Map<ModuleDef, Value> declared = declarations(config);
        var out = new ArrayList<ModuleDef>();
        for (ModuleDef m : config.enabledModules()) {
            Value v = declared.get(m);
            if (v == null ? ExternalModule.isKernelModule(m.directory()) : (Boolean) v.typed()) {
                out.add(m);
            }
        }
        return out;
    }

    /** Each module's last KernelModule= value, checked. */
    private static Map<ModuleDef, Value> declarations(Config config) {
        var declared = new HashMap<ModuleDef, Value>();
        for (Value v : config.values(Settings.KERNEL_MODULE)) {
            ModuleDef m = owner(config.modules(), v).orElseThrow(() -> new ConfigError(v.origin(), "KernelModule",
                    "belongs in a module's own mkosi.conf (modules/<name>/): it says which module is a kernel module"));
            if ((Boolean) v.typed() && !Files.isRegularFile(m.directory().resolve("Kbuild"))
                    && !Files.isRegularFile(m.directory().resolve("Makefile"))) {
                throw new ConfigError(v.origin(), "KernelModule", "yes, but " + m.directory()
                        + " has neither a Kbuild file nor a Makefile for kbuild's M= build");
            }
            declared.put(m, v);
        }
        return declared;
    }

    /** The module whose directory holds the file that set {@code v} (the innermost, when modules nest). */
    private static Optional<ModuleDef> owner(List<ModuleDef> modules, Value v) {
        if (v.origin().file() == null) {
            return Optional.empty();
        }
        Path file = real(v.origin().file());
        ModuleDef best = null;
        for (ModuleDef m : modules) {
            Path dir = real(m.directory());
            if (file.startsWith(dir) && (best == null || dir.getNameCount() > real(best.directory()).getNameCount())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
