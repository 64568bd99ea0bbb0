package kimg.module;

import kimg.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import kimg.config.Architecture;
import kimg.config.Config;
import kimg.config.ConfigError;

/**
 * Which kernel config file a build uses, why, and what it is applied to.
 *
 * <p>Choice, first match wins: {@code -c FILE}; {@code CONFIG=FILE} from Environment= or an environment file
 * (mkosi.env, EnvironmentFiles=; relative to the project directory); at the top of the kernel tree, then in the
 * project: {@code mkosi.kernel.<arch>.config} for Architecture= (e.g. {@code mkosi.kernel.arm64.config}, since a
 * config names architecture-specific devices: PL011 and the generic PCI host on arm64, the 8250 UART on x86-64),
 * else {@code mkosi.kernel.config}.
 *
 * <p>Base: a config file is normally a whole config, applied with {@code make KCONFIG_ALLCONFIG=FILE alldefconfig}.
 * A file whose first line is {@code # kimg: base=TARGET...} is a fragment instead: kimg runs {@code make TARGET...}
 * (e.g. {@code tinyconfig}, or {@code defconfig kvm_guest.config}), merges the file on top with
 * merge_config.sh and runs olddefconfig. {@code Environment=KCONFIG_BASE=TARGET...} overrides the directive
 * (an empty value: use the file as a whole config).
 *
 * <p>A file that sets a symbol only another architecture has is refused (an x86-64 config for arm64 would build a
 * kernel without the virt machine's console); a generic fragment without such symbols serves every architecture.
 *
 * @param file        the chosen file, absolute
 * @param chosenBy    what chose it, for messages and summary ("-c", "Environment=CONFIG", "kernel tree", "project")
 * @param baseTargets the make config targets to start from; empty: the file is a whole config
 */
public record KernelConfigChoice(Path file, String chosenBy, List<String> baseTargets) {
    public static final String FILE_NAME = "mkosi.kernel.config";
    static final String DIRECTIVE = "# kimg: base=";
    private static final Pattern CONFIG_TARGET = Pattern.compile("[A-Za-z0-9_.-]*config");
    private static final Pattern X86_SYMBOL =
            Pattern.compile("CONFIG_(X86|X86_[A-Z0-9_]+|UNWINDER_(ORC|FRAME_POINTER|GUESS))=[ym]");
    private static final Pattern ARM64_SYMBOL = Pattern.compile("CONFIG_(ARM64|ARM64_[A-Z0-9_]+)=[ym]");

    public KernelConfigChoice {
        baseTargets = List.copyOf(baseTargets);
    }

    /**
     * @param kernelConfig the {@code -c FILE} given, absolute, or null
     * @throws ConfigError when the chosen file does not exist, sets a symbol only another architecture has
     *                     ({@link #otherArchitecture}), or its base directive names a non-config target
     */
    public static KernelConfigChoice choose(Config config, Path kernelConfig, Path sourceTree) {
        Map<String, String> env = config.environment();
        Path file;
        String by;
        if (kernelConfig != null) {
            file = kernelConfig;
            by = "-c";
        } else if (env.containsKey("CONFIG") && !env.get("CONFIG").isEmpty()) {
            file = config.directory().resolve(env.get("CONFIG"));
            by = "Environment=CONFIG";
        } else {
            String archName = config.architecture().kernelConfigName();
            Path tree = Files.isRegularFile(sourceTree.resolve(archName)) ? sourceTree.resolve(archName)
                    : sourceTree.resolve(FILE_NAME);
            if (Files.isRegularFile(tree)) {
                file = tree;
                by = "kernel tree";
            } else {
                file = Files.isRegularFile(config.directory().resolve(archName)) ? config.directory().resolve(archName)
                        : config.directory().resolve(FILE_NAME);
                by = "project";
            }
        }
        file = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(file)) {
            if (by.equals("project")) {
                throw ConfigError.usage(nothingFound(config.architecture()));
            }
            String setting = by.equals("Environment=CONFIG") ? "Environment" : null;
            // CONFIG= may come from Environment= or from an environment file (mkosi.env, EnvironmentFiles=).
            boolean fromEnvironment = config.list("Environment").stream().anyMatch(i -> i.startsWith("CONFIG="));
            if (setting != null && !fromEnvironment) {
                setting = "EnvironmentFiles";
            }
            throw new ConfigError(setting == null ? null : config.origin(setting), setting,
                    "kernel config " + file + " (chosen by " + by + ") does not exist");
        }
        List<String> lines = read(file);
        Optional<String> foreign = otherArchitecture(config.architecture(), lines);
        if (foreign.isPresent()) {
            throw new ConfigError(config.origin(Settings.ARCHITECTURE), "Architecture", "kernel config "
                    + (by.equals("project") || by.equals("kernel tree") ? file.getFileName() + " in the " + by : file)
                    + " sets " + foreign.get() + ", which " + config.architecture() + " does not have: add "
                    + config.architecture().kernelConfigName() + " to the project or the kernel tree, or give -c FILE");
        }
        List<String> base = env.containsKey("KCONFIG_BASE")
                ? parseTargets(env.get("KCONFIG_BASE"), "Environment=KCONFIG_BASE")
                : directive(lines, file);
        return new KernelConfigChoice(file, by, base);
    }

    /**
     * What {@code choose} says when no file is there: short enough that {@link ConfigError#render} prints it
     * whole (it names files, not paths: the paths would not fit).
     */
    static String nothingFound(Architecture arch) {
        return "no kernel config for " + arch + ": kimg looked for " + arch.kernelConfigName() + ", then " + FILE_NAME
                + ", in the kernel tree and then the project; add one, set Environment=CONFIG=FILE or give -c FILE";
    }

    /**
     * The first line of {@code lines} that sets a symbol only another architecture has (kimg's own x86-64
     * mkosi.kernel.config, copied into a project, would otherwise configure an arm64 kernel without its console):
     * X86* and the UNWINDER_* choice (arch/x86/Kconfig, Kconfig.debug) for arm64; ARM64* for x86-64. Other
     * architectures are not checked (kimg builds and boots only these two).
     *
     * @return the offending line, e.g. {@code CONFIG_X86_64=y}
     */
    static Optional<String> otherArchitecture(Architecture target, List<String> lines) {
        Pattern foreign = switch (target) {
            case ARM64 -> X86_SYMBOL;
            case X86_64 -> ARM64_SYMBOL;
            default -> null;
        };
        return foreign == null ? Optional.empty()
                : lines.stream().map(String::strip).filter(l -> foreign.matcher(l).matches()).findFirst();
    }

    /** The base targets named by a {@code # kimg: base=...} first line, or none. */
    static List<String> directive(List<String> lines, Path file) {
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith(DIRECTIVE)) {
                return parseTargets(line.substring(DIRECTIVE.length()), file.toString());
            }
            break;
        }
        return List.of();
    }

    static List<String> parseTargets(String text, String where) {
        List<String> targets = Arrays.stream(text.strip().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        for (String t : targets) {
            // Only config targets: anything else would start a build (or worse) where a config was meant.
            if (!CONFIG_TARGET.matcher(t).matches()) {
                throw ConfigError.usage(where + ": kernel config base '" + t
                        + "' is not a make config target (e.g. tinyconfig, defconfig, kvm_guest.config)");
            }
        }
        return targets;
    }

    public boolean hasBase() {
        return !baseTargets.isEmpty();
    }

    public List<String> lines() {
        return read(file);
    }

    static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
