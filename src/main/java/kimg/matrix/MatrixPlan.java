package kimg.matrix;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import kimg.config.Architecture;
import kimg.config.ConfigError;

/**
 * The cells of {@code kimg matrix --arch A,B --compiler gcc,clang --debug-variants no,yes}: every combination, in the order
 * the axes were given (architecture outermost), each with the settings that make it a build of its own.
 *
 * <p>Isolation comes from the build's own identity: the architecture picks {@code <dist>~<rel>~<arch>}, Debug=yes
 * the debug fragment's local version ({@code -debug}), and clang {@code LOCALVERSION=-clang} (so a gcc and a clang
 * build never share, or reconfigure, one build directory, and their releases say which compiler built them). Each
 * cell has its own output directory (image and manifest) and its own gdb and ssh ports, so cells can boot side
 * by side; builds that already happened are reused by the ordinary freshness rules.
 */
public record MatrixPlan(List<Cell> cells) {
    /** What {@code --compiler} accepts: gcc (the architecture's gcc or cross gcc) and clang (LLVM=1). */
    public static final List<String> COMPILERS = List.of("gcc", "clang");
    static final int GDB_PORT_BASE = 1234;
    static final int SSH_PORT_BASE = 2222;

    public MatrixPlan {
        cells = List.copyOf(cells);
    }

    /**
     * @param index the cell's position (0-based): its ports are the bases plus it
     */
    public record Cell(int index, Architecture architecture, String compiler, boolean debug) {
        /** x86-64-gcc, arm64-clang-debug: the cell's name in the table and its output directory. */
        public String name() {
            return architecture + "-" + compiler + (debug ? "-debug" : "");
        }

        /**
         * The command-line settings (as {@code --setting} flags would give them) that make the cell.
         *
         * @param outputRoot where the cells' output directories go ({@code <OutputDirectory>/matrix})
         */
        public Map<String, List<String>> overrides(java.nio.file.Path outputRoot) {
            var o = new LinkedHashMap<String, List<String>>();
            o.put("Architecture", List.of(architecture.toString()));
            o.put("Debug", List.of(debug ? "yes" : "no"));
            if (compiler.equals("clang")) {
                o.put("Environment", List.of("LLVM=1", "LOCALVERSION=-clang"));
            }
            o.put("OutputDirectory", List.of(outputRoot.resolve(name()).toString()));
            o.put("GdbPort", List.of(Integer.toString(GDB_PORT_BASE + index)));
            o.put("SshPort", List.of(Integer.toString(SSH_PORT_BASE + index)));
            return o;
        }
    }

    /**
     * @throws ConfigError (usage) naming the axis and value when an architecture is unknown or not bootable, a
     *     compiler is not gcc or clang, a debug value is not yes/no, or an axis is empty
     */
    public static MatrixPlan of(List<String> architectures, List<String> compilers, List<String> debugs) {
        var archs = new ArrayList<Architecture>();
        for (String a : nonEmpty("--arch", architectures)) {
            Architecture arch = Architecture.of(a).orElseThrow(() -> ConfigError.usage("kimg matrix --arch: unknown"
                    + " architecture '" + a + "'"));
            if (!arch.bootable()) {
                throw ConfigError.usage("kimg matrix --arch: kimg cannot build and boot " + arch
                        + " (it does x86-64 and arm64)");
            }
            archs.add(arch);
        }
        for (String c : nonEmpty("--compiler", compilers)) {
            if (!COMPILERS.contains(c)) {
                throw ConfigError.usage("kimg matrix --compiler: '" + c + "' is not one of " + COMPILERS);
            }
        }
        var flags = new ArrayList<Boolean>();
        for (String d : nonEmpty("--debug-variants", debugs)) {
            switch (d.toLowerCase(Locale.ROOT)) {
                case "yes", "true", "1", "y" -> flags.add(true);
                case "no", "false", "0", "n" -> flags.add(false);
                default -> throw ConfigError.usage("kimg matrix --debug-variants: " + ConfigError.quote(d)
                        + " is not yes or no");
            }
        }
        var cells = new ArrayList<Cell>();
        for (Architecture a : archs) {
            for (String c : compilers) {
                for (boolean d : flags) {
                    cells.add(new Cell(cells.size(), a, c, d));
                }
            }
        }
        return new MatrixPlan(cells);
    }

    private static List<String> nonEmpty(String axis, List<String> values) {
        if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
            throw ConfigError.usage("kimg matrix " + axis + ": needs a comma-separated list of values");
        }
        if (values.stream().distinct().count() != values.size()) {
            throw ConfigError.usage("kimg matrix " + axis + ": a value is given twice in " + values);
        }
        return values;
    }

    /** How many guests boot at once: each takes CPUs= vCPUs, and the host has {@code cores}. At least one. */
    public static int parallelGuests(int cores, int cpusPerGuest) {
        return Math.max(1, cores / Math.max(1, cpusPerGuest));
    }
}
