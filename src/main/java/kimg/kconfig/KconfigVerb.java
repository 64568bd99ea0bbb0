package kimg.kconfig;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KconfigValues;
import kimg.module.KernelBuilder;
import kimg.module.LocalKernelConfig;

/**
 * {@code kimg kconfig menuconfig|nconfig} and {@code kimg kconfig --set CONFIG_X=VALUE...}: changes the kernel build
 * directory's .config and saves what changed to {@link LocalKernelConfig}'s fragment, which every later configure
 * merges, so the change survives a reconfigure. For every --set value kconfig dropped, prints the unmet
 * dependency chain and the fragment lines that would satisfy it ({@link UnmetDependencies}).
 *
 * <p>Exit: 0 done; 1 a --set value was dropped (or make failed); 2 bad usage (no terminal for menuconfig).
 */
public final class KconfigVerb {
    private KconfigVerb() {}

    /** @param interactive whether stdin and stdout are a terminal (menuconfig and nconfig need one) */
    public static int run(Config config, KconfigOptions options, BuildOptions build, boolean interactive, Exec exec,
            PrintStream out) {
        if (options.frontEnd() != null && !interactive) {
            throw ConfigError.usage("kimg kconfig " + options.frontEnd() + " needs a terminal; without one use"
                    + " kimg kconfig --set CONFIG_X=VALUE");
        }
        KernelBuilder.ConfigDir dir = KernelBuilder.configured(config, build, exec);
        Path dotConfig = dir.buildDir().resolve(".config");
        KconfigValues before = read(dotConfig);
        if (options.frontEnd() != null) {
            int status = exec.interactive("kernel-" + options.frontEnd(), Cmd.of(dir.make().target(
                    options.frontEnd())));
            if (status != 0) {
                return status;
            }
        } else {
            Path fragment = dir.buildDir().resolve(".kimg-kconfig-set");
            try {
                Files.write(fragment, options.fragmentLines(), StandardCharsets.UTF_8);
                exec.run("kernel-config-merge", Cmd.of(dir.make().mergeConfig(List.of(fragment))).in(dir.buildDir()));
                exec.run("kernel-olddefconfig", Cmd.of(dir.make().olddefconfig()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                deleteQuietly(fragment);
            }
        }
        KconfigValues after = read(dotConfig);
        KconfigValues changes = LocalKernelConfig.changes(before, after);
        if (changes.values().isEmpty()) {
            out.println("kconfig: .config unchanged");
        } else {
            Path saved = LocalKernelConfig.save(LocalKernelConfig.file(config), changes);
            out.println("kconfig: " + changes.values().size() + " change(s) saved to " + saved + " (merged on every"
                    + " configure)");
            // Configure again from the config files: the saved fragment must reproduce this .config, and the build
            // directory's record of its inputs then names the fragment, so the next build keeps .config as it is.
            KernelBuilder.configured(config, build, exec);
            List<String> lost = changes.droppedFrom(read(dotConfig));
            if (!lost.isEmpty()) {
                exec.console().warn("kconfig: reconfiguring from the config files did not reproduce "
                        + String.join(", ", lost));
            }
        }
        if (options.frontEnd() != null) {
            return 0;
        }
        return explainDropped(options, after, dir, out);
    }

    private static int explainDropped(KconfigOptions options, KconfigValues after, KernelBuilder.ConfigDir dir,
            PrintStream out) {
        List<String> dropped = new KconfigValues(options.sets()).droppedFrom(after);
        if (dropped.isEmpty()) {
            return 0;
        }
        KconfigTree tree = KconfigTree.read(dir.sourceTree(), dir.arch().kbuildArch());
        var fragment = new java.util.LinkedHashSet<String>();
        for (String d : dropped) {
            String symbol = d.substring(0, d.indexOf('='));
            out.println("kconfig: dropped " + d);
            UnmetDependencies u = UnmetDependencies.explain(tree, symbol.substring("CONFIG_".length()),
                    options.sets().get(symbol), s -> after.valueOf("CONFIG_" + s));
            u.chain().forEach(line -> out.println("  " + line));
            fragment.addAll(u.fragment());
        }
        out.println("kconfig: these lines would satisfy it (kimg kconfig --set each, or add them to "
                + LocalKernelConfig.FILE_NAME + "):");
        fragment.forEach(line -> out.println("  " + line));
        return 1;
    }

    static KconfigValues read(Path dotConfig) {
        try {
            return KconfigValues.parse(Files.readAllLines(dotConfig, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // A leftover in kimg's own build directory; the next --set overwrites it.
        }
    }
}
