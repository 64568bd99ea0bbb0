package kimg.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.DriveLayout;
import kimg.config.Settings;
import kimg.ui.Console;

/**
 * The fstests {@code local.config} and the blktests {@code config} kimg writes into the image tree before a boot,
 * from the drives kimg attaches ({@link DriveLayout}): what lets {@code ./check} run without hand editing.
 *
 * <p>fstests: TEST_DEV is the drive with id {@code test}, SCRATCH_DEV the one with id {@code scratch}; without
 * those ids, the first and second drive kimg attaches. TEST_DIR and SCRATCH_MNT are {@value #TEST_DIR} and
 * {@value #SCRATCH_MNT} (created in the image). FSTYP is Environment=FSTYP=, else the file system of an enabled
 * userspace tools module (btrfs-progs, xfsprogs, e2fsprogs, f2fs-tools), else ext4. fstests expects TEST_DEV to
 * hold a file system of that type already ({@code mkfs.$FSTYP /dev/vda} once; the drive is kept across boots).
 *
 * <p>blktests: TEST_DEVS is every drive kimg attaches, in order (blktests overwrites them).
 *
 * <p>A file that is there without kimg's first line is the user's (shipped with ExtraTrees= or the module's own
 * install) and is left alone.
 */
public final class TestSuiteConfigs {
    /** Where the modules install the suites (modules/fstests and modules/blktests build scripts). */
    static final String FSTESTS_HOME = "var/lib/xfstests";
    static final String BLKTESTS_HOME = "usr/lib/blktests";
    static final String TEST_DIR = "/mnt/test";
    static final String SCRATCH_MNT = "/mnt/scratch";
    static final String MARKER = "# Written by kimg from Drives= before each boot; ship your own file to replace it.";
    /** Userspace tools modules and the file system each one makes, in order of preference. */
    static final List<Map.Entry<String, String>> TOOLS_FSTYP = List.of(Map.entry("btrfs-progs", "btrfs"),
            Map.entry("xfsprogs", "xfs"), Map.entry("e2fsprogs", "ext4"), Map.entry("f2fs-tools", "f2fs"));

    /** FSTYP goes into a file fstests sources as shell: a plain file system name only. */
    private static final Pattern FSTYP = Pattern.compile("[a-z0-9][a-z0-9_.]*");

    private TestSuiteConfigs() {}

    /**
     * FSTYP: Environment=FSTYP=, else the enabled tools module's file system, else ext4.
     *
     * @throws ConfigError when FSTYP= is not a plain file system name
     */
    static String fstyp(Config config) {
        String env = config.environment().get("FSTYP");
        if (env != null && !env.isEmpty()) {
            if (!FSTYP.matcher(env).matches()) {
                throw new ConfigError(config.origin(Settings.ENVIRONMENT), "Environment",
                        "FSTYP='" + env + "' is not a file system name (e.g. ext4, xfs, btrfs)");
            }
            return env;
        }
        for (var e : TOOLS_FSTYP) {
            if (config.enabledModules().stream().anyMatch(m -> m.name().equals(e.getKey()))) {
                return e.getValue();
            }
        }
        return "ext4";
    }

    /** fstests' local.config; empty when kimg attaches no drive. */
    public static Optional<String> fstestsLocalConfig(DriveLayout layout, String fstyp) {
        List<DriveLayout.Placed> drives = layout.attachedByKimg();
        Optional<DriveLayout.Placed> test = byId(drives, "test");
        Optional<DriveLayout.Placed> scratch = byId(drives, "scratch");
        var others = new ArrayList<>(drives);
        test.ifPresent(others::remove);
        scratch.ifPresent(others::remove);
        if (test.isEmpty() && !others.isEmpty()) {
            test = Optional.of(others.remove(0));
        }
        if (scratch.isEmpty() && !others.isEmpty()) {
            scratch = Optional.of(others.remove(0));
        }
        if (test.isEmpty()) {
            return Optional.empty();
        }
        var sb = new StringBuilder(MARKER).append('\n');
        sb.append("export FSTYP=").append(fstyp).append('\n');
        sb.append("export TEST_DEV=").append(test.get().guestDevice()).append("    # Drives=")
                .append(test.get().drive().id()).append('\n');
        sb.append("export TEST_DIR=").append(TEST_DIR).append('\n');
        scratch.ifPresent(s -> sb.append("export SCRATCH_DEV=").append(s.guestDevice()).append("    # Drives=")
                .append(s.drive().id()).append('\n').append("export SCRATCH_MNT=").append(SCRATCH_MNT).append('\n'));
        return Optional.of(sb.toString());
    }

    /** blktests' config; empty when kimg attaches no drive. */
    public static Optional<String> blktestsConfig(DriveLayout layout) {
        List<DriveLayout.Placed> drives = layout.attachedByKimg();
        if (drives.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(MARKER + "\n# " + String.join(" ", drives.stream().map(d -> "Drives=" + d.drive().id())
                .toList()) + "\nTEST_DEVS=(" + String.join(" ", drives.stream().map(DriveLayout.Placed::guestDevice)
                .toList()) + ")\n");
    }

    private static Optional<DriveLayout.Placed> byId(List<DriveLayout.Placed> drives, String id) {
        return drives.stream().filter(d -> d.drive().id().equals(id)).findFirst();
    }

    /**
     * Writes the configs of the enabled suites whose install directory is in the image tree {@code root}; a file
     * without kimg's marker is kept.
     */
    static void write(Config config, DriveLayout layout, Path root, Console console) {
        if (enabled(config, "fstests") && Files.isDirectory(root.resolve(FSTESTS_HOME))) {
            fstestsLocalConfig(layout, fstyp(config)).ifPresent(text -> place(root.resolve(FSTESTS_HOME)
                    .resolve("local.config"), text, console, root.resolve(TEST_DIR.substring(1)),
                    root.resolve(SCRATCH_MNT.substring(1))));
        }
        if (enabled(config, "blktests") && Files.isDirectory(root.resolve(BLKTESTS_HOME))) {
            blktestsConfig(layout).ifPresent(text -> place(root.resolve(BLKTESTS_HOME).resolve("config"), text,
                    console));
        }
    }

    private static boolean enabled(Config config, String module) {
        return config.enabledModules().stream().anyMatch(m -> m.name().equals(module));
    }

    /** Writes {@code file} unless it is the user's, and then makes the directories it names. */
    private static void place(Path file, String text, Console console, Path... directories) {
        try {
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                List<String> lines = Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
                if (lines.isEmpty() || !lines.get(0).equals(MARKER)) {
                    console.info("keeping your " + file + " (kimg writes it only when it is absent or its own)");
                    return;
                }
            }
            Files.writeString(file, text, StandardCharsets.UTF_8);
            for (Path dir : directories) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
