package kimg.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code Drives=} item, mkosi v26's {@code ID:SIZE[:DIR[:OPTIONS[:FILE-ID[:FLAGS]]]]} ({@code mkosi/config.py}
 * {@code parse_drive}; empty fields skipped: {@code data:1G::::persist}).
 *
 * @param id        the drive's id: QEMU's {@code node-name}, what a {@code QemuArgs=} device names with
 *                  {@code drive=ID}, and the virtio serial kimg gives the disk it attaches itself
 * @param size      the backing file's size (sparse)
 * @param directory where the backing file lives, absolute; null: the build directory ({@link DriveLayout})
 * @param options   extra comma-separated {@code -blockdev} properties, or "" (never the ones kimg sets)
 * @param fileId    drives with the same file id share one backing file; defaults to {@code id}
 * @param flags     mkosi's drive flags ({@code persist}); kimg keeps every backing file, so they are only checked
 */
public record Drive(String id, Bytes size, Path directory, String options, String fileId, List<String> flags) {
    /**
     * QEMU's node-name rule (a letter, then letters, digits, '-', '.', '_'; at most 31 characters), which also makes
     * the id a plain file name: it becomes part of the backing file's name and of a QEMU option value.
     */
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,30}");
    /** One {@code key=value} -blockdev property: the key a QEMU property path, the value without ',' or blanks. */
    private static final Pattern OPTION = Pattern.compile("[a-z][a-z0-9._-]*=[^,\\s=]+");
    /** Properties kimg sets: an option may not change which file a drive is or how it is named. */
    private static final Pattern OWN_OPTION = Pattern.compile("(driver|node-name|file(\\..*)?)=.*");
    private static final List<String> FLAGS = List.of("persist");

    public Drive {
        flags = List.copyOf(flags);
    }

    /** Drives= items, as the settings table parses them; the directory relative to the file that named it. */
    public static final ValueParser<Drive> PARSER = new ValueParser<>() {
        @Override
        public Drive parse(String raw, Origin origin, String setting) {
            String[] parts = raw.split(":", -1);
            if (parts.length > 6) {
                throw new ConfigError(origin, setting, "too many ':' fields in drive '" + raw
                        + "' (ID:SIZE[:DIR[:OPTIONS[:FILE-ID[:FLAGS]]]])");
            }
            if (parts.length < 2) {
                throw new ConfigError(origin, setting, "missing size in drive '" + raw + "' (e.g. scratch:1G)");
            }
            String id = checkedId(parts[0], raw, origin, setting);
            Bytes size = ValueParser.SIZE.parse(parts[1], origin, setting);
            Path dir = field(parts, 2).isEmpty() ? null : ValueParser.resolve(field(parts, 2), origin);
            String options = field(parts, 3);
            if (!options.isEmpty()) {
                for (String o : options.split(",", -1)) {
                    if (!OPTION.matcher(o).matches() || OWN_OPTION.matcher(o).matches()) {
                        throw new ConfigError(origin, setting, "drive '" + id + "': option '" + o + "' is not a"
                                + " key=value -blockdev property kimg passes on (driver, node-name and file.* are"
                                + " kimg's)");
                    }
                }
            }
            String fileId = field(parts, 4).isEmpty() ? id : checkedId(field(parts, 4), raw, origin, setting);
            var flags = new ArrayList<String>();
            for (String f : field(parts, 5).isEmpty() ? new String[0] : field(parts, 5).split(",")) {
                String flag = f.toLowerCase(Locale.ROOT);
                if (!FLAGS.contains(flag)) {
                    throw new ConfigError(origin, setting, "unknown drive flag '" + f + "' (expected: persist)");
                }
                flags.add(flag);
            }
            return new Drive(id, size, dir, options, fileId, flags);
        }

        @Override
        public String text(Drive d) {
            return d.toString();
        }
    };

    private static String field(String[] parts, int i) {
        return parts.length > i ? parts[i] : "";
    }

    private static String checkedId(String id, String raw, Origin origin, String setting) {
        if (!ID.matcher(id).matches()) {
            throw new ConfigError(origin, setting, "drive id '" + id + "' in '" + raw + "' must start with a letter"
                    + " and hold only letters, digits, '.', '_' and '-' (at most 31)");
        }
        return id;
    }

    /** The canonical text, trailing empty fields left out (as mkosi writes it back). */
    @Override
    public String toString() {
        List<String> f = new ArrayList<>(List.of(id, size.text(), directory == null ? "" : directory.toString(),
                options, fileId.equals(id) ? "" : fileId, String.join(",", flags)));
        while (f.size() > 2 && f.get(f.size() - 1).isEmpty()) {
            f.remove(f.size() - 1);
        }
        return String.join(":", f);
    }
}
