package kimg.module;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import kimg.config.BuildSource;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ModuleDef;

/**
 * Which modules a build builds, in which order. Kernel first (userspace modules may need its headers or
 * modules), then the others in the order they were included. A module builds when it is enabled (Include=d and
 * its [Match] held) and has a source (BuildSources=SRC:MODULE); one without a source is skipped silently, as in
 * mkosi-kernel. The kernel needs no module directory: a {@code :kernel} source is enough. {@code --<module>}
 * flags restrict the build to the modules named (with or without -i).
 */
public final class ModuleSelection {
    /** One module to build: its definition (absent for a kernel without modules/kernel) and its source. */
    public record Selected(String name, Optional<ModuleDef> definition, BuildSource source) {
        public boolean isKernel() {
            return name.equals(KERNEL);
        }
    }

    public static final String KERNEL = "kernel";

    private ModuleSelection() {}

    /**
     * @param selectedModules the {@code --<module>} flags given (empty: every module with a source)
     * @throws ConfigError when a named module is not enabled or has no source
     */
    public static List<Selected> select(Config config, List<String> selectedModules) {
        for (String named : selectedModules) {
            Optional<ModuleDef> def = config.module(named);
            boolean kernelSource = named.equals(KERNEL) && config.sourceFor(KERNEL).isPresent();
            if (!kernelSource && (def.isEmpty() || !def.get().enabled())) {
                throw ConfigError.usage("--" + named + ": module '" + named + "' is not enabled (add Include=modules/"
                        + named + " to mkosi.local.conf)");
            }
            if (config.sourceFor(named).isEmpty()) {
                throw ConfigError.usage("--" + named + ": no source for module '" + named
                        + "' (add BuildSources=<path>:" + named + ")");
            }
        }
        var out = new ArrayList<Selected>();
        config.sourceFor(KERNEL).ifPresent(src -> out.add(new Selected(KERNEL, config.module(KERNEL), src)));
        for (ModuleDef m : config.enabledModules()) {
            if (m.name().equals(KERNEL)) {
                continue;
            }
            config.sourceFor(m.name()).ifPresent(src -> out.add(new Selected(m.name(), Optional.of(m), src)));
        }
        if (!selectedModules.isEmpty()) {
            out.removeIf(s -> !selectedModules.contains(s.name()));
        }
        return out;
    }
}
