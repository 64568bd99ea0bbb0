package kimg.config;

import static kimg.config.Setting.Split.COMMAS;
import static kimg.config.Setting.Split.KERNEL;
import static kimg.config.Setting.Split.SHELL;
import static kimg.config.Setting.list;
import static kimg.config.Setting.single;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import kimg.config.Setting.Cache;
import kimg.config.Setting.Default;
import kimg.config.Setting.Limit;
import kimg.config.Setting.Matcher;
import kimg.config.Setting.Use;

/**
 * The settings table: every setting kimg understands, declared once as a typed row. The INI loader (names, old
 * names, sections), the command-line flags, specifiers, [Match], cache keys, {@code summary} and
 * {@code summary --json} are all derived from these rows; adding a setting is one row. Value lists follow mkosi
 * v26 ({@code mkosi/config.py}); what kimg cannot build or boot is a {@link Limit}, not a parse error.
 */
public final class Settings {
    public static final List<String> SECTIONS =
            List.of("Config", "Distribution", "Output", "Content", "Build", "Runtime");

    /** mkosi v26's output formats; kimg writes the first five. */
    public static final List<String> FORMATS = List.of("directory", "tar", "cpio", "disk", "none", "esp", "uki",
            "oci", "sysext", "confext", "portable", "addon");
    private static final Set<String> BUILDABLE_FORMATS = Set.of("directory", "tar", "cpio", "disk", "none");

    /** mkosi v26's Firmware= values; kimg boots the kernel directly, so only the first three. */
    public static final List<String> FIRMWARES = List.of("auto", "linux", "linux-noinitrd", "uefi",
            "uefi-secure-boot", "bios");

    // [Config]
    public static final Setting<String> INCLUDE = list("Include", "Config", COMMAS, ValueParser.STRING,
            "files or directories to read at this point; cannot be reset").flags("-I", "include")
            .matcher(Matcher.NONE);
    public static final Setting<String> PROFILES = list("Profiles", "Config", COMMAS, ValueParser.FILE_NAME,
            "profiles to enable (mkosi.profiles/<name>)").compat("Profile").flags(null, "profile");
    public static final Setting<String> MINIMUM_VERSION = single("MinimumVersion", "Config", ValueParser.STRING,
            Default.none(), "read and reported only").matcher(Matcher.NONE);

    // [Distribution]
    public static final Setting<Distribution> DISTRIBUTION = single("Distribution", "Distribution",
            ValueParser.DISTRIBUTION, Default.of("debian"), "distribution of the image (kimg builds debian, ubuntu,"
                    + " fedora and centos)").flags("-d").specifier('d').shapes(Cache.ROOTFS)
            .limit((d, use) -> d.buildable() ? Optional.empty()
                    : Optional.of("kimg cannot build " + d + " images (it builds debian, ubuntu, fedora and centos)"));
    public static final Setting<String> RELEASE = single("Release", "Distribution", ValueParser.RELEASE,
            r -> Distribution.of(r.get("Distribution")).map(Distribution::defaultRelease).filter(x -> !x.isEmpty())
                    .map(List::of).orElse(List.of()),
            "distribution release (bookworm, 41, 9, ...)").flags("-r").specifier('r').shapes(Cache.ROOTFS);
    public static final Setting<Architecture> ARCHITECTURE = single("Architecture", "Distribution",
            ValueParser.ARCHITECTURE, Default.of("x86-64"), "architecture of the image (kimg builds and boots"
                    + " x86-64 and arm64; a foreign one is cross-compiled and emulated)").specifier('a').matcher(Matcher.ARCHITECTURE).shapes(Cache.ROOTFS)
            .limit((a, use) -> !a.kernelBuildable()
                    ? Optional.of("kimg cannot build " + a + " images (it builds x86-64 and arm64)")
                    : use == Use.BOOT && !a.bootable()
                            ? Optional.of("booting " + a + " guests is not supported yet (x86-64 and arm64)")
                            : Optional.empty());
    public static final Setting<String> REPOSITORIES = list("Repositories", "Distribution", COMMAS,
            ValueParser.REPOSITORY, "extra repositories or components (Debian: contrib, non-free; Fedora/CentOS:"
                    + " repo ids)").shapes(Cache.ROOTFS);
    public static final Setting<String> MIRROR = single("Mirror", "Distribution", ValueParser.URL, Default.none(),
            "package mirror URL (empty: the distribution's default)").flags("-m").matcher(Matcher.NONE)
            .shapes(Cache.ROOTFS);

    // [Output]
    public static final Setting<String> FORMAT = single("Format", "Output", ValueParser.oneOf(
            FORMATS.toArray(String[]::new)), Default.of("directory"), "output format (kimg writes directory, tar,"
                    + " cpio, disk or none)").flags("-t").specifier('t').shapes(Cache.OUTPUT)
            .limit((f, use) -> BUILDABLE_FORMATS.contains(f) ? Optional.empty()
                    : Optional.of("kimg cannot write " + f + " images (it writes directory, tar, cpio, disk or none)"));
    public static final Setting<String> OUTPUT = single("Output", "Output", ValueParser.FILE_NAME,
            Default.of("image"), "name of the output image").flags("-o").specifier('o').matcher(Matcher.NONE)
            .shapes(Cache.OUTPUT);
    public static final Setting<Path> OUTPUT_DIRECTORY = single("OutputDirectory", "Output", ValueParser.path(false),
            Default.of("mkosi.output"), "directory for the image, logs and manifest").flags("-O", "output-dir")
            .specifier('O').matcher(Matcher.NONE);
    public static final Setting<String> IMAGE_ID = single("ImageId", "Output", ValueParser.FILE_NAME, Default.none(),
            "image name, for [Match] and %i").specifier('i').matcher(Matcher.GLOB);
    public static final Setting<String> IMAGE_VERSION = single("ImageVersion", "Output", ValueParser.VERSION,
            Default.none(), "image version, for [Match] and %v").specifier('v').matcher(Matcher.VERSION);

    // [Content]
    public static final Setting<String> PACKAGES = list("Packages", "Content", COMMAS, ValueParser.PACKAGE,
            "packages to install in the image").flags("-p", "package").matcher(Matcher.NONE);
    public static final Setting<String> BUILD_PACKAGES = list("BuildPackages", "Content", COMMAS, ValueParser.PACKAGE,
            "packages needed only to build modules (build overlay, not the final image)").flags(null, "build-package")
            .matcher(Matcher.NONE);
    public static final Setting<Boolean> AUTOLOGIN = single("Autologin", "Content", ValueParser.BOOLEAN,
            Default.of("false"), "log in as root automatically on the serial console")
            .matcher(Matcher.NONE).shapes(Cache.OUTPUT);
    public static final Setting<String> KERNEL_COMMAND_LINE = list("KernelCommandLine", "Content", KERNEL,
            ValueParser.STRING, "kernel command line of the image").matcher(Matcher.NONE);
    public static final Setting<String> BOOTABLE = single("Bootable", "Content", ValueParser.FEATURE,
            Default.of("auto"), "install a bootloader (direct kernel boot does not need one)");
    public static final Setting<Ssh> SSH = single("Ssh", "Content", ValueParser.SSH, Default.of("auto"),
            "sshd and the project's key in the image (always, auto: when Packages= has openssh-server, runtime:"
                    + " only forward a port, never)").alsoIn("Runtime").matcher(Matcher.NONE)
            .shapes(Cache.ROOTFS, Cache.OUTPUT);
    public static final Setting<Boolean> WITH_DOCS = single("WithDocs", "Content", ValueParser.BOOLEAN,
            Default.of("false"), "keep documentation in the image").matcher(Matcher.NONE).shapes(Cache.ROOTFS);
    public static final Setting<String> HOSTNAME = single("Hostname", "Content", ValueParser.HOSTNAME,
            Default.of("kimg"), "hostname of the guest").matcher(Matcher.NONE).shapes(Cache.OUTPUT);
    public static final Setting<Tree> EXTRA_TREES = list("ExtraTrees", "Content", COMMAS, ValueParser.tree(false, "/"),
            "trees copied into the image (SRC[:DST]); mkosi.extra/ is used when present").flags(null, "extra-tree")
            .matcher(Matcher.NONE).shapes(Cache.OUTPUT)
            .limit((t, use) -> java.nio.file.Files.isDirectory(t.source()) ? Optional.empty()
                    : Optional.of("not a directory: " + t.source() + " (kimg copies directory trees only)"));
    public static final Setting<Path> POST_INSTALLATION_SCRIPTS = list("PostInstallationScripts", "Content", COMMAS,
            ValueParser.path(true), "scripts run after installation ($BUILDROOT); mkosi.postinst is used when"
                    + " present").compat("PostInstallationScript").flags(null, "postinst-script")
            .matcher(Matcher.NONE).shapes(Cache.OUTPUT)
            .limit((p, use) -> java.nio.file.Files.isExecutable(p) && !java.nio.file.Files.isDirectory(p)
                    ? Optional.empty() : Optional.of("not an executable file: " + p));

    // [Build]
    public static final Setting<BuildSource> BUILD_SOURCES = list("BuildSources", "Build", COMMAS,
            ValueParser.BUILD_SOURCE, "source trees as SRC:MODULE (e.g. ~/linux:kernel)")
            .matcher(Matcher.BUILD_SOURCES);
    public static final Setting<Path> BUILD_DIRECTORY = single("BuildDirectory", "Build", ValueParser.path(false),
            Default.of("mkosi.builddir"), "persistent out-of-tree build directories").alsoIn("Output")
            .flags(null, "build-dir").matcher(Matcher.NONE);
    public static final Setting<Path> CACHE_DIRECTORY = single("CacheDirectory", "Build", ValueParser.path(false),
            Default.of("mkosi.cache"), "cached distribution trees").alsoIn("Output").flags(null, "cache-dir")
            .matcher(Matcher.NONE);
    public static final Setting<Boolean> INCREMENTAL = single("Incremental", "Build", ValueParser.BOOLEAN,
            Default.of("true"), "reuse the cached distribution tree").matcher(Matcher.NONE);
    public static final Setting<String> ENVIRONMENT = list("Environment", "Build", SHELL, ValueParser.ENVIRONMENT,
            "K=V for build scripts (CONFIG=, SELFTESTS=, CC=clang, ...); a bare K is taken from the host")
            .flags("-E", "environment").matcher(Matcher.ENVIRONMENT);
    public static final Setting<Path> ENVIRONMENT_FILES = list("EnvironmentFiles", "Build", COMMAS,
            ValueParser.path(true), "files of K=V lines read before Environment= (mkosi.env is used when present)")
            .flags(null, "env-file").matcher(Matcher.NONE);
    public static final Setting<Boolean> WITH_NETWORK = single("WithNetwork", "Build", ValueParser.BOOLEAN,
            Default.of("false"), "allow build scripts to use the network").matcher(Matcher.NONE)
            .shapes(Cache.OUTPUT);
    public static final Setting<String> TOOLS_TREE = single("ToolsTree", "Build", ValueParser.STRING,
            Default.none(), "read and reported only: kimg uses the host's tools").matcher(Matcher.NONE);
    public static final Setting<Path> KERNEL_CONFIG_FRAGMENTS = list("KernelConfigFragments", "Build", COMMAS,
            ValueParser.path(true), "kconfig fragments merged on top of the kernel config (merge_config.sh)")
            .matcher(Matcher.NONE);
    // kimg package (issue 15): kimg's own settings, no mkosi counterpart.
    public static final Setting<String> PACKAGE_FORMAT = list("PackageFormat", "Build", COMMAS,
            ValueParser.oneOf("rpm", "deb"), "kimg package: rpm and/or deb (none given: both)")
            .matcher(Matcher.NONE);
    public static final Setting<String> PACKAGE_NAME = single("PackageName", "Build", ValueParser.matching(
            "[a-z0-9][a-z0-9.+-]{0,62}", "not a package name (lowercase letters, digits, '.', '+' and '-')"),
            Default.none(), "kimg package: the kernel package's name (default kernel-<Flavor>-<major><minor>y)")
            .matcher(Matcher.NONE);
    public static final Setting<String> PACKAGE_RELEASE = single("PackageRelease", "Build", ValueParser.matching(
            "[A-Za-z0-9][A-Za-z0-9.+~]{0,62}", "not a package release (letters, digits, '.', '+', '~'; no '-')"),
            Default.of("1"), "kimg package: the packages' release (RPM Release, Debian revision), e.g. 1000.el8")
            .matcher(Matcher.NONE);
    public static final Setting<String> FLAVOR = single("Flavor", "Build", ValueParser.matching(
            "[a-z0-9][a-z0-9-]{0,31}", "not a flavor name (lowercase letters, digits and '-')"), Default.none(),
            "kimg package: the kconfig fragments in mkosi.flavors/<Flavor>/*.config, built in a directory of its own")
            .matcher(Matcher.NONE);
    public static final Setting<String> PACKAGE_SIGNING_KEY = single("PackageSigningKey", "Build",
            ValueParser.matching("[A-Za-z0-9][A-Za-z0-9@._+]{0,127}", "not a gpg key id, fingerprint or e-mail"),
            Default.none(), "kimg package: gpg key that signs packages (none: a generated key of the project)")
            .matcher(Matcher.NONE);
    public static final Setting<Boolean> PACKAGE_REPOSITORY = single("PackageRepository", "Build",
            ValueParser.BOOLEAN, Default.of("false"), "kimg package: also write signed apt/rpm repositories")
            .matcher(Matcher.NONE);
    public static final Setting<Boolean> MODULE_SIGNING = single("ModuleSigning", "Build", ValueParser.BOOLEAN,
            Default.of("false"), "kimg package: sign modules with the project's key (ModuleSigningKey=), one for every"
                    + " build directory and flavor, and enforce it (MODULE_SIG_FORCE, which kimg's own kernel config"
                    + " already sets)")
            .matcher(Matcher.NONE);
    public static final Setting<Path> MODULE_SIGNING_KEY = single("ModuleSigningKey", "Build",
            ValueParser.path(true), Default.none(), "kimg package: PEM with the module signing key and certificate"
                    + " (none: generated under the cache directory)")
            .matcher(Matcher.NONE);
    // A list so that every module keeps its own value: each belongs to the module whose directory set it.
    public static final Setting<Boolean> KERNEL_MODULE = list("KernelModule", "Build", COMMAS, ValueParser.BOOLEAN,
            "in a module's mkosi.conf: yes, modules/<name>/ is an out-of-tree kernel module (Kbuild or Makefile) that"
                    + " kimg package builds against -devel and packages; no: not one (default: when it has a Kbuild"
                    + " file)").matcher(Matcher.NONE);
    public static final Setting<Boolean> DEBUG = single("Debug", "Build", ValueParser.BOOLEAN, Default.of("false"),
            "debug kernel: merge mkosi.kernel.debug.config (KASAN, UBSAN, KFENCE, lockdep, ...) into its own build"
                    + " directory (also Environment=DEBUG=1)").flags(null, "debug-kernel").matcher(Matcher.NONE);
    public static final Setting<String> KERNEL_REF = single("KernelRef", "Build", ValueParser.GIT_REF,
            Default.none(), "build the kernel repository at this ref (a tag, then a remote branch, then as given)"
                    + " in kimg's own worktree").matcher(Matcher.NONE);
    public static final Setting<Path> KERNEL_PATCHES = list("KernelPatches", "Build", COMMAS, ValueParser.path(true),
            "mbox files or directories of git format-patch output applied in order with git am").matcher(Matcher.NONE);
    public static final Setting<String> KERNEL_SERIES = single("KernelSeries", "Build", ValueParser.MESSAGE_ID,
            Default.none(), "a mailed patch series (message-id) fetched with b4 am and applied after KernelPatches=")
            .matcher(Matcher.NONE);
    public static final Setting<String> KERNEL_LABEL = single("KernelLabel", "Build", ValueParser.KERNEL_LABEL,
            Default.none(), "the readable part of the kernel's build identity (instead of the ref or series)")
            .matcher(Matcher.NONE);
    public static final Setting<String> COMPILE_FARM = list("CompileFarm", "Build", KERNEL, ValueParser.COMPILE_FARM,
            "compile the kernel and host-script modules through distcc (distcc:HOST[:PORT][/LIMIT] ...) or icecream"
                    + " (icecream[/JOBS])")
            .matcher(Matcher.NONE);
    public static final Setting<Path> KERNEL_STORE = single("KernelStore", "Build", ValueParser.path(false),
            Default.none(), "built kernels by identity, reused instead of compiling (default: <CacheDirectory>/kernels)")
            .matcher(Matcher.NONE);

    // [Runtime]
    public static final Setting<Tree> RUNTIME_TREES = list("RuntimeTrees", "Runtime", COMMAS, ValueParser.tree(true, "/root/src"),
            "host trees shared with the guest as SRC[:DST][:ro] (a relative DST is under /root/src)").flags(null, "runtime-tree").matcher(Matcher.NONE);
    public static final Setting<String> RUNTIME_BUILD_SOURCES = single("RuntimeBuildSources", "Runtime",
            ValueParser.BUILD_SHARES, Default.of("false"),
            "share sources at /work/src/<target> and build directories at /work/build/<module>, read-only"
                    + " (rw: writable by the guest)")
            .matcher(Matcher.NONE);
    public static final Setting<String> QEMU_ARGS = list("QemuArgs", "Runtime", SHELL, ValueParser.STRING,
            "extra QEMU arguments, last on its command line").matcher(Matcher.NONE);
    public static final Setting<String> KERNEL_COMMAND_LINE_EXTRA = list("KernelCommandLineExtra", "Runtime",
            KERNEL, ValueParser.STRING, "kernel command line added when booting").matcher(Matcher.NONE);
    public static final Setting<Bytes> RAM = single("RAM", "Runtime", ValueParser.SIZE, Default.of("2G"),
            "guest memory").compat("QemuMem").flags(null, "qemu-mem").matcher(Matcher.NONE);
    public static final Setting<Integer> CPUS = single("CPUs", "Runtime", ValueParser.POSITIVE_INT, Default.of("2"),
            "guest CPUs").compat("QemuSmp").flags(null, "qemu-smp").matcher(Matcher.NONE);
    public static final Setting<String> KVM = single("KVM", "Runtime", ValueParser.FEATURE, Default.of("auto"),
            "use KVM: auto (when it really works), yes, no").compat("QemuKvm").flags(null, "qemu-kvm")
            .matcher(Matcher.NONE);
    public static final Setting<String> FIRMWARE = single("Firmware", "Runtime",
            ValueParser.oneOf(FIRMWARES.toArray(String[]::new)), Default.of("auto"),
            "auto, linux or linux-noinitrd: direct kernel boot").compat("QemuFirmware").flags(null, "qemu-firmware")
            .matcher(Matcher.NONE)
            .limit((f, use) -> use != Use.BOOT || f.equals("auto") || f.startsWith("linux") ? Optional.empty()
                    : Optional.of("'" + f + "' is not supported: kimg boots the kernel directly (use auto or linux)"));
    public static final Setting<Path> LINUX = single("Linux", "Runtime", ValueParser.DELAYED_PATH, Default.none(),
            "kernel image to boot instead of the built or distribution one").compat("QemuKernel")
            .flags(null, "qemu-kernel").matcher(Matcher.NONE);
    public static final Setting<Integer> GDB_PORT = single("GdbPort", "Runtime", ValueParser.PORT,
            Default.of("1234"), "port of the gdb stub (QemuArgs=-s), always bound to 127.0.0.1")
            .matcher(Matcher.NONE);
    public static final Setting<Integer> SSH_PORT = single("SshPort", "Runtime", ValueParser.PORT, Default.of("2222"),
            "host port forwarded to the guest's sshd, bound to 127.0.0.1").matcher(Matcher.NONE);
    // Split on blanks only, as mkosi does: a drive's OPTIONS field is itself comma-separated.
    public static final Setting<Drive> DRIVES = list("Drives", "Runtime", KERNEL, Drive.PARSER,
            "scratch disks as ID:SIZE[:DIR[:OPTIONS[:FILE-ID[:FLAGS]]]] (sparse files in the build directory; kimg"
                    + " attaches each as virtio-blk unless a QemuArgs= device names drive=ID)")
            .compat("QemuDrives").flags(null, "drive", "qemu-drive").matcher(Matcher.NONE);
    public static final Setting<Boolean> ALLOW_WARNINGS = single("AllowWarnings", "Runtime", ValueParser.BOOLEAN,
            Default.of("false"), "kimg run: a kernel WARNING is decoded and reported but does not fail the run"
                    + " (run --allow-warn)").matcher(Matcher.NONE);
    public static final Setting<Integer> RUN_TIMEOUT = single("RunTimeout", "Runtime", ValueParser.POSITIVE_INT,
            Default.none(), "kimg run: seconds after which the guest is stopped and run exits 124 (four times as long for a debug"
                    + " kernel, Debug=yes)").matcher(Matcher.NONE);

    private static final List<Setting<?>> ALL = List.of(
            INCLUDE, PROFILES, MINIMUM_VERSION,
            DISTRIBUTION, RELEASE, ARCHITECTURE, REPOSITORIES, MIRROR,
            FORMAT, OUTPUT, OUTPUT_DIRECTORY, IMAGE_ID, IMAGE_VERSION,
            PACKAGES, BUILD_PACKAGES, AUTOLOGIN, KERNEL_COMMAND_LINE, BOOTABLE, SSH, WITH_DOCS, HOSTNAME,
            EXTRA_TREES, POST_INSTALLATION_SCRIPTS,
            BUILD_SOURCES, BUILD_DIRECTORY, CACHE_DIRECTORY, INCREMENTAL, ENVIRONMENT, ENVIRONMENT_FILES,
            WITH_NETWORK, TOOLS_TREE, KERNEL_CONFIG_FRAGMENTS, DEBUG,
            PACKAGE_FORMAT, PACKAGE_NAME, PACKAGE_RELEASE, FLAVOR, PACKAGE_SIGNING_KEY, PACKAGE_REPOSITORY,
            MODULE_SIGNING, MODULE_SIGNING_KEY, KERNEL_MODULE,
            KERNEL_REF, KERNEL_PATCHES, KERNEL_SERIES, KERNEL_LABEL, KERNEL_STORE, COMPILE_FARM,
            RUNTIME_TREES, RUNTIME_BUILD_SOURCES, QEMU_ARGS, KERNEL_COMMAND_LINE_EXTRA, RAM, CPUS, KVM, FIRMWARE,
            LINUX, GDB_PORT, SSH_PORT, DRIVES, ALLOW_WARNINGS, RUN_TIMEOUT);

    private static final Map<String, Setting<?>> BY_NAME;
    private static final Map<String, Setting<?>> BY_COMPAT_NAME;
    private static final Map<String, Setting<?>> BY_LOWER_NAME;
    private static final Map<String, Setting<?>> BY_FLAG;
    private static final Map<Character, Setting<?>> BY_SPECIFIER;

    static {
        var byName = new LinkedHashMap<String, Setting<?>>();
        var byCompat = new LinkedHashMap<String, Setting<?>>();
        var byLower = new LinkedHashMap<String, Setting<?>>();
        var byFlag = new LinkedHashMap<String, Setting<?>>();
        var bySpecifier = new LinkedHashMap<Character, Setting<?>>();
        for (Setting<?> s : ALL) {
            unique(byName.put(s.name(), s), s.name());
            s.compatNames().forEach(n -> unique(byCompat.put(n, s), n));
            byLower.put(s.name().toLowerCase(java.util.Locale.ROOT), s);
            s.allLongFlags().forEach(f -> unique(byFlag.put(f, s), f));
            if (s.specifier() != 0) {
                unique(bySpecifier.put(s.specifier(), s), "%" + s.specifier());
            }
        }
        BY_NAME = Collections.unmodifiableMap(byName);
        BY_COMPAT_NAME = Collections.unmodifiableMap(byCompat);
        BY_LOWER_NAME = Collections.unmodifiableMap(byLower);
        BY_FLAG = Collections.unmodifiableMap(byFlag);
        BY_SPECIFIER = Collections.unmodifiableMap(bySpecifier);
    }

    private static void unique(Object previous, String key) {
        if (previous != null) {
            throw new IllegalStateException("settings table: " + key + " is declared twice");
        }
    }

    private Settings() {}

    public static List<Setting<?>> all() {
        return ALL;
    }

    public static Optional<Setting<?>> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** An old name mkosi still reads (QemuMem → RAM); the caller warns that it is deprecated. */
    public static Optional<Setting<?>> byCompatName(String name) {
        return Optional.ofNullable(BY_COMPAT_NAME.get(name));
    }

    /** mkosi's keys are case-sensitive; this is only for "did you mean" hints. */
    public static Optional<Setting<?>> byNameIgnoringCase(String name) {
        return Optional.ofNullable(BY_LOWER_NAME.get(name.toLowerCase(java.util.Locale.ROOT)));
    }

    /** A long flag without its dashes: the setting's kebab-case name or one of its mkosi spellings. */
    public static Optional<Setting<?>> byFlag(String flag) {
        return Optional.ofNullable(BY_FLAG.get(flag));
    }

    /** The setting a {@code %x} specifier expands to. */
    public static Optional<Setting<?>> bySpecifier(char letter) {
        return Optional.ofNullable(BY_SPECIFIER.get(letter));
    }

    public static Setting<?> get(String name) {
        Setting<?> s = BY_NAME.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no setting " + name);
        }
        return s;
    }

    public static List<Setting<?>> inSection(String section) {
        var out = new ArrayList<Setting<?>>();
        for (Setting<?> s : ALL) {
            if (s.section().equals(section)) {
                out.add(s);
            }
        }
        return out;
    }

    /** The rows whose values are part of a cache's key, in table order. */
    public static List<Setting<?>> shaping(Cache cache) {
        return ALL.stream().filter(s -> s.caches().contains(cache)).toList();
    }
}
