package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import kimg.config.Config;
import kimg.config.Settings;

/**
 * {@code mkosi.kernel.local.config} in the project directory: the kconfig changes made with {@code kimg kconfig}
 * (menuconfig, nconfig, --set), kept as a fragment merged last, after KernelConfigFragments=, on every configure.
 * A hand edit of .config is lost when the tree gains symbols (kimg reconfigures from the config files); this file is
 * not. Like mkosi.local.conf it belongs to one developer: not meant for version control. Delete it to drop the
 * changes.
 */
public final class LocalKernelConfig {
    public static final String FILE_NAME = "mkosi.kernel.local.config";
    static final String HEADER = "# Kernel config changes made with `kimg kconfig`, merged after KernelConfigFragments="
            + " on every configure. Edit or delete freely.";

    private LocalKernelConfig() {}

    public static Path file(Config config) {
        return config.directory().resolve(FILE_NAME);
    }

    /** KernelConfigFragments= (absolute, existing), then this file when it exists: what every configure merges. */
    public static List<Path> fragments(Config config) {
        var out = new ArrayList<>(config.items(Settings.KERNEL_CONFIG_FRAGMENTS));
        if (Files.isRegularFile(file(config))) {
            out.add(file(config));
        }
        return out;
    }

    /** The symbols whose value {@code after} changed from {@code before}, with their new value (n: now unset). */
    public static KconfigValues changes(KconfigValues before, KconfigValues after) {
        var map = new LinkedHashMap<String, String>();
        after.values().forEach((k, v) -> {
            if (!before.valueOf(k).equals(v)) {
                map.put(k, v);
            }
        });
        before.values().forEach((k, v) -> {
            if (!after.values().containsKey(k) && !v.equals("n")) {
                map.put(k, "n");
            }
        });
        return new KconfigValues(map);
    }

    /** The fragment's text: its values in order, "n" as kconfig's "is not set" comment. */
    static List<String> lines(KconfigValues values) {
        var out = new ArrayList<String>();
        out.add(HEADER);
        values.values().forEach((k, v) -> out.add(v.equals("n") ? "# " + k + " is not set" : k + "=" + v));
        return out;
    }

    /** Adds {@code changes} to the file (later values win); returns the file. */
    public static Path save(Path file, KconfigValues changes) {
        try {
            KconfigValues old = Files.isRegularFile(file)
                    ? KconfigValues.parse(Files.readAllLines(file, StandardCharsets.UTF_8))
                    : new KconfigValues(java.util.Map.of());
            Files.write(file, lines(old.then(changes)), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
