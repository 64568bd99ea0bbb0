package kimg.config;

import static kimg.config.Setting.Split.KERNEL;
import static kimg.config.Setting.Split.NONE;
import static kimg.config.Setting.Split.SHELL;
import static kimg.config.Setting.Split.WORDS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The settings table: every setting kimg understands, declared once. The INI loader, the command-line flags,
 * {@code summary} and {@code summary --json} are all derived from these rows; adding a setting is one row.
 */
public final class Settings {
    public static final List<String> SECTIONS =
            List.of("Config", "Distribution", "Output", "Content", "Build", "Runtime");

    public static final List<String> DISTRIBUTIONS = List.of("debian", "ubuntu", "fedora", "centos");
    public static final List<String> FORMATS = List.of("directory", "tar", "cpio", "disk", "none");

    private static final List<Setting> ALL = List.of(
            // [Config]
            list("Include", "Config", WORDS, ValueParser.STRING,
                    "files or directories to read at this point (relative to the including file); cannot be reset"),
            list("Profiles", "Config", WORDS, ValueParser.PROFILE,
                    "profiles to enable: mkosi.profiles/<name>/ or <name>.conf, read after mkosi.conf.d/"),

            // [Distribution]
            single("Distribution", "Distribution", ValueParser.oneOf("debian", "ubuntu", "fedora", "centos", "arch", "opensuse", "rhel", "alma", "rocky"),
                    Setting.Default.of("debian"), "distribution of the image: debian, ubuntu, fedora or centos"),
            single("Release", "Distribution", ValueParser.STRING,
                    r -> List.of(defaultRelease(r.get("Distribution"))), "distribution release (bookworm, 41, 9, ...)"),
            single("Architecture", "Distribution", ValueParser.oneOf("x86-64", "arm64"),
                    Setting.Default.of("x86-64"), "architecture of the image (x86-64, arm64)"),
            list("Repositories", "Distribution", WORDS, ValueParser.STRING,
                    "extra repositories or components (Debian: contrib, non-free; Fedora/CentOS: repo ids)"),
            single("Mirror", "Distribution", ValueParser.STRING, Setting.Default.none(),
                    "package mirror URL (empty: the distribution's default)"),

            // [Output]
            single("Format", "Output", ValueParser.oneOf(FORMATS.toArray(String[]::new)),
                    Setting.Default.of("directory"), "output format: directory, tar, cpio, disk or none"),
            single("Output", "Output", ValueParser.STRING, Setting.Default.of("image"), "name of the output image"),
            single("OutputDirectory", "Output", ValueParser.path(false), Setting.Default.of("mkosi.output"),
                    "directory for the image, logs and manifest"),

            // [Content]
            list("Packages", "Content", WORDS, ValueParser.STRING, "packages to install in the image"),
            list("BuildPackages", "Content", WORDS, ValueParser.STRING,
                    "packages needed only to build modules (build overlay, not the final image)"),
            single("Autologin", "Content", ValueParser.BOOLEAN, Setting.Default.of("false"),
                    "log in as root automatically on the serial console"),
            list("KernelCommandLine", "Content", KERNEL, ValueParser.STRING, "kernel command line of the image"),
            single("Bootable", "Content", ValueParser.FEATURE, Setting.Default.of("auto"),
                    "install a bootloader (direct kernel boot does not need one)"),
            single("Ssh", "Content", List.of("Runtime"), ValueParser.BOOLEAN, Setting.Default.of("false"),
                    "install sshd and a key so `kimg ssh` reaches the guest"),
            single("WithDocs", "Content", ValueParser.BOOLEAN, Setting.Default.of("false"),
                    "keep documentation in the image"),
            single("Hostname", "Content", ValueParser.STRING, Setting.Default.of("kimg"), "hostname of the guest"),
            list("ExtraTrees", "Content", WORDS, ValueParser.sourceTarget(false),
                    "trees copied into the image (SRC[:DST]); mkosi.extra/ is used when present"),
            list("PostInstallationScripts", "Content", WORDS, ValueParser.path(true),
                    "scripts run after installation ($BUILDROOT); mkosi.postinst is used when present"),

            // [Build]
            list("BuildSources", "Build", WORDS, ValueParser.sourceTarget(true),
                    "source trees as SRC:MODULE (e.g. ~/linux:kernel)"),
            single("BuildDirectory", "Build", List.of("Output"), ValueParser.path(false), Setting.Default.of("mkosi.builddir"),
                    "persistent out-of-tree build directories"),
            single("CacheDirectory", "Build", List.of("Output"), ValueParser.path(false), Setting.Default.of("mkosi.cache"),
                    "cached distribution trees"),
            single("Incremental", "Build", ValueParser.BOOLEAN, Setting.Default.of("true"),
                    "reuse the cached distribution tree"),
            list("Environment", "Build", SHELL, ValueParser.ENVIRONMENT,
                    "K=V for build scripts (CONFIG=, SELFTESTS=, CC=clang, ...); a bare K is taken from the host"),
            list("EnvironmentFiles", "Build", WORDS, ValueParser.path(true),
                    "files of K=V lines read before Environment= (which wins); mkosi.env is used when present"),
            single("WithNetwork", "Build", ValueParser.BOOLEAN, Setting.Default.of("false"),
                    "allow build scripts to use the network"),
            single("ToolsTree", "Build", ValueParser.STRING, Setting.Default.none(),
                    "read and reported only: kimg uses the host's tools"),
            list("KernelConfigFragments", "Build", WORDS, ValueParser.path(true),
                    "kconfig fragments merged on top of the kernel config (merge_config.sh)"),

            // [Runtime]
            list("RuntimeTrees", "Runtime", WORDS, ValueParser.sourceTarget(false),
                    "host trees shared with the guest as SRC[:DST][:ro]"),
            single("RuntimeBuildSources", "Runtime", ValueParser.BOOLEAN, Setting.Default.of("false"),
                    "share sources at /work/src/<target> and build directories at /work/build/<module>"),
            list("QemuArgs", "Runtime", SHELL, ValueParser.STRING, "extra QEMU arguments, last on its command line"),
            list("KernelCommandLineExtra", "Runtime", KERNEL, ValueParser.STRING,
                    "kernel command line added when booting"),
            single("RAM", "Runtime", ValueParser.SIZE, Setting.Default.of("2G"), "guest memory"),
            single("CPUs", "Runtime", ValueParser.POSITIVE_INT, Setting.Default.of("2"), "guest CPUs"),
            single("KVM", "Runtime", ValueParser.FEATURE, Setting.Default.of("auto"),
                    "use KVM: auto (when it really works), yes, no"),
            single("Firmware", "Runtime", ValueParser.oneOf("auto", "linux", "uefi", "bios"),
                    Setting.Default.of("auto"), "auto or linux: direct kernel boot"),
            single("Linux", "Runtime", ValueParser.DELAYED_PATH, Setting.Default.none(),
                    "kernel image to boot instead of the built or distribution one"),
            single("GdbPort", "Runtime", ValueParser.PORT, Setting.Default.of("1234"),
                    "port of the gdb stub (QemuArgs=-s), always bound to 127.0.0.1"),
            single("SshPort", "Runtime", ValueParser.PORT, Setting.Default.of("2222"),
                    "host port forwarded to the guest's sshd, bound to 127.0.0.1"));

    private static final Map<String, Setting> BY_NAME;
    private static final Map<String, Setting> BY_LOWER_NAME;
    private static final Map<String, Setting> BY_FLAG;

    static {
        var byName = new LinkedHashMap<String, Setting>();
        var byLower = new LinkedHashMap<String, Setting>();
        var byFlag = new LinkedHashMap<String, Setting>();
        for (Setting s : ALL) {
            byName.put(s.name(), s);
            byLower.put(s.name().toLowerCase(Locale.ROOT), s);
            byFlag.put(s.flag(), s);
        }
        BY_NAME = Collections.unmodifiableMap(byName);
        BY_LOWER_NAME = Collections.unmodifiableMap(byLower);
        BY_FLAG = Collections.unmodifiableMap(byFlag);
    }

    private Settings() {}

    public static List<Setting> all() {
        return ALL;
    }

    public static Optional<Setting> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** mkosi's keys are case-sensitive; this is only for "did you mean" hints. */
    public static Optional<Setting> byNameIgnoringCase(String name) {
        return Optional.ofNullable(BY_LOWER_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    public static Optional<Setting> byFlag(String flag) {
        return Optional.ofNullable(BY_FLAG.get(flag));
    }

    public static Setting get(String name) {
        Setting s = BY_NAME.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no setting " + name);
        }
        return s;
    }

    public static List<Setting> inSection(String section) {
        var out = new ArrayList<Setting>();
        for (Setting s : ALL) {
            if (s.section().equals(section)) {
                out.add(s);
            }
        }
        return out;
    }

    static String defaultRelease(String distribution) {
        return switch (distribution == null ? "debian" : distribution) {
            case "ubuntu" -> "noble";
            case "fedora" -> "41";
            case "centos" -> "9";
            default -> "bookworm";
        };
    }

    private static Setting single(String name, String section, ValueParser p, Setting.Default d, String help) {
        return new Setting(name, section, List.of(), false, NONE, p, d, help);
    }

    private static Setting single(
            String name, String section, List<String> others, ValueParser p, Setting.Default d, String help) {
        return new Setting(name, section, others, false, NONE, p, d, help);
    }

    private static Setting list(String name, String section, Setting.Split split, ValueParser p, String help) {
        return new Setting(name, section, List.of(), true, split, p, Setting.Default.none(), help);
    }
}
