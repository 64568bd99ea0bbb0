package kimg.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import kimg.ui.Console;

/**
 * The host tools a step needs, and the Debian package of each. Before a step runs, the missing ones are named
 * and installed with apt (kimg's main job must work on a fresh Debian 12 machine); when that is not possible
 * (not root, no apt) the step fails saying exactly what to install.
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

    /** Installs the packages of the missing tools with apt, after saying which; fails clearly when it cannot. */
    public static void ensure(String step, List<Tool> tools, Exec exec) {
        List<Tool> missing = missing(tools);
        if (missing.isEmpty()) {
            return;
        }
        Set<String> packages = new LinkedHashSet<>();
        missing.forEach(t -> packages.add(t.debianPackage()));
        Console console = exec.console();
        String names = String.join(" ", packages);
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || !onPath("apt-get")) {
            throw StepFailed.because(step, "missing host tools for " + step + ": "
                    + String.join(", ", missing.stream().map(Tool::name).toList())
                    + "; install them with: apt-get install " + names);
        }
        console.info("installing missing host packages for " + step + ": " + names);
        List<String> argv = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
        argv.addAll(packages);
        var env = java.util.Map.of("DEBIAN_FRONTEND", "noninteractive");
        Exec.Result r = exec.runUnchecked("apt-get-install", Cmd.of(argv).withEnv(env));
        if (r.exitStatus() != 0) {
            // A fresh machine may have no package lists yet.
            exec.run("apt-get-update", Cmd.of("apt-get", "update", "-q").withEnv(env));
            exec.run("apt-get-install", Cmd.of(argv).withEnv(env));
        }
        List<Tool> still = missing(tools);
        if (!still.isEmpty()) {
            throw StepFailed.because(step, "still missing after apt-get install: "
                    + String.join(", ", still.stream().map(Tool::name).toList()));
        }
    }
}
