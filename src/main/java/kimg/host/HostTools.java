package kimg.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.ui.Console;

/**
 * The host tools a step needs, and the Debian package of each. Each verb checks its tools before any step runs
 * ({@code kimg.verb.ToolsNeeded}) and names all the missing ones in one line; apt installs them only when the user
 * allows it with {@value #INSTALL_VARIABLE}=1 (bin/kimg sets it, so the README's first command works on a fresh
 * Debian 12 machine), never under the unit tests.
 */
public final class HostTools {
    /** A tool: found when any of {@code paths} exists (a bare name is looked up on PATH). */
    public record Tool(String name, String debianPackage, List<String> paths) {
        public static Tool command(String name, String pkg) {
            return new Tool(name, pkg, List.of(name));
        }

        public static Tool file(String name, String pkg, String... paths) {
            return new Tool(name, pkg, List.of(paths));
        }
    }

    public static final List<Tool> KERNEL = List.of(
            Tool.command("make", "make"), Tool.command("gcc", "gcc"), Tool.command("flex", "flex"),
            Tool.command("bison", "bison"), Tool.command("bc", "bc"), Tool.command("depmod", "kmod"),
            Tool.command("pahole", "dwarves"), Tool.command("xz", "xz-utils"),
            Tool.file("libelf headers", "libelf-dev", "/usr/include/libelf.h", "/usr/include/gelf.h"),
            Tool.file("openssl headers", "libssl-dev", "/usr/include/openssl/ssl.h"));
    public static final List<Tool> DEBIAN_ROOTFS = List.of(Tool.command("mmdebstrap", "mmdebstrap"));
    public static final List<Tool> SANDBOX = List.of(Tool.command("bwrap", "bubblewrap"));
    public static final List<Tool> CPIO = List.of(Tool.command("cpio", "cpio"));
    public static final List<Tool> DISK = List.of(Tool.command("systemd-repart", "systemd"),
            Tool.command("mkfs.ext4", "e2fsprogs"));
    public static final List<Tool> QEMU = List.of(Tool.command("qemu-system-x86_64", "qemu-system-x86"),
            Tool.file("virtiofsd", "qemu-system-common", "virtiofsd", "/usr/libexec/virtiofsd",
                    "/usr/lib/qemu/virtiofsd"));
    public static final List<Tool> GDB = List.of(Tool.command("gdb", "gdb"));
    public static final List<Tool> SSH = List.of(Tool.command("ssh", "openssh-client"));
    public static final List<Tool> SSH_KEYGEN = List.of(Tool.command("ssh-keygen", "openssh-client"));

    private HostTools() {}

    public static boolean present(Tool t) {
        for (String p : t.paths()) {
            if (p.startsWith("/") ? Files.exists(Path.of(p)) : onPath(p)) {
                return true;
            }
        }
        return false;
    }

    public static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    public static List<Tool> missing(List<Tool> tools) {
        var out = new ArrayList<Tool>();
        for (Tool t : tools) {
            if (!present(t)) {
                out.add(t);
            }
        }
        return out;
    }

    /** The environment variable that allows kimg to install missing host tools with apt ("1" or "yes"). */
    public static final String INSTALL_VARIABLE = "KIMG_INSTALL_TOOLS";

    /** Whether {@code env} allows installing host packages: {@value #INSTALL_VARIABLE} is 1, yes or true. */
    public static boolean installAllowed(Map<String, String> env) {
        String v = env.getOrDefault(INSTALL_VARIABLE, "").trim().toLowerCase(java.util.Locale.ROOT);
        return v.equals("1") || v.equals("yes") || v.equals("true");
    }

    /** The Debian packages that provide {@code tools}, in order, each once. */
    public static List<String> packages(List<Tool> tools) {
        Set<String> packages = new LinkedHashSet<>();
        tools.forEach(t -> packages.add(t.debianPackage()));
        return List.copyOf(packages);
    }

    /**
     * One line naming the missing tools, their packages and how to let kimg install them, e.g. {@code missing host
     * tools for build: flex, bison (apt-get install flex bison, or set KIMG_INSTALL_TOOLS=1 to let kimg do it)}.
     */
    public static String missingLine(String what, List<Tool> missing) {
        return "missing host tools for " + what + ": " + String.join(", ", missing.stream().map(Tool::name).toList())
                + " (apt-get install " + String.join(" ", packages(missing)) + ", or set " + INSTALL_VARIABLE
                + "=1 to let kimg do it)";
    }

    /**
     * A last check inside a step, for a tool the verb's up-front check could not foresee: installs the missing
     * ones only when {@link #INSTALL_VARIABLE} allows it, otherwise the step fails naming them.
     *
     * @throws StepFailed when a tool is missing and cannot or may not be installed
     */
    public static void ensure(String step, List<Tool> tools, Exec exec) {
        List<Tool> missing = missing(tools);
        if (missing.isEmpty()) {
            return;
        }
        if (!installAllowed(System.getenv())) {
            throw StepFailed.because(step, missingLine(step, missing));
        }
        install(step, missing, exec);
    }

    /**
     * Installs the packages of {@code missing} with apt-get (as root), updating the package lists once if the
     * first attempt fails (a fresh machine may have none).
     *
     * @throws StepFailed when not root, apt-get is absent, or a tool is still missing afterwards
     */
    public static void install(String step, List<Tool> missing, Exec exec) {
        List<String> packages = packages(missing);
        String names = String.join(" ", packages);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !onPath("apt-get")) {
            throw StepFailed.because(step, "missing host tools for " + step + ": "
                    + String.join(", ", missing.stream().map(Tool::name).toList())
                    + "; install them with: apt-get install " + names);
        }
        Console console = exec.console();
        console.info("installing missing host packages for " + step + ": " + names);
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(packages);
        var env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        Exec.Result r = exec.runUnchecked("apt-get-install", Cmd.of(argv).withEnv(env));
        if (r.exitStatus() != 0) {
            exec.run("apt-get-update", Cmd.of("apt-get", "update", "-q").withEnv(env));
            exec.run("apt-get-install", Cmd.of(argv).withEnv(env));
        }
        List<Tool> still = missing(missing);
        if (!still.isEmpty()) {
            throw StepFailed.because(step, "still missing after apt-get install: "
                    + String.join(", ", still.stream().map(Tool::name).toList()));
        }
    }
}
