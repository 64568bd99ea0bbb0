package kimg.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.fs.FileTrees;
import kimg.fs.StagedReplace;
import kimg.host.HostTools;

/**
 * The small initrd that lets a distribution kernel (booted when no kernel sources are configured) mount its root
 * over VirtioFS: a static busybox, the virtio/fuse/virtiofs modules of that kernel with their dependencies (from
 * the image's modules.dep, in load order), and an /init that loads them, mounts the {@code root} tag and switches
 * to kimg's guest init. Distribution initrds (initramfs-tools, dracut) look for a block device and cannot do this.
 */
public final class VirtiofsInitrd {
    /** Modules the root mount needs; those built into the kernel are simply absent from modules.dep. */
    static final List<String> NEEDED = List.of("virtio_pci", "virtio_console", "virtiofs");

    /** A module file name as modules.dep gives it; anything else in a guest-written modules.dep is ignored. */
    private static final Pattern MODULE_FILE = Pattern.compile("[A-Za-z0-9_+-][A-Za-z0-9_.+-]*\\.ko(\\.(xz|zst|gz))?");

    private VirtiofsInitrd() {}

    /** A file of the image as text, or "" when it is not a file inside the image. */
    private static String readInImage(Path imageRoot, String relative) throws IOException {
        try (InputStream in = ImageTreePath.open(imageRoot, relative)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /**
     * Parses modules.dep ("kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko ...") into module path → deps.
     */
    static Map<String, List<String>> parseModulesDep(String text) {
        var out = new LinkedHashMap<String, List<String>>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String rest = line.substring(colon + 1).strip();
            out.put(line.substring(0, colon).strip(), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
        }
        return out;
    }

    static String moduleName(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.replaceFirst("\\.ko(\\.(xz|zst|gz))?$", "").replace('-', '_');
    }

    /** The module files to load, dependencies before dependents, each once. */
    static List<String> loadOrder(Map<String, List<String>> deps, List<String> wanted) {
        var byName = new LinkedHashMap<String, String>();
        deps.keySet().forEach(p -> byName.put(moduleName(p), p));
        Set<String> order = new LinkedHashSet<>();
        for (String w : wanted) {
            String path = byName.get(w);
            if (path != null) {
                visit(path, deps, order);
            }
        }
        return new ArrayList<>(order);
    }

    private static void visit(String path, Map<String, List<String>> deps, Set<String> order) {
        if (order.contains(path)) {
            return;
        }
        // modules.dep lists the full closure, deepest last: load it in reverse.
        List<String> d = new ArrayList<>(deps.getOrDefault(path, List.of()));
        java.util.Collections.reverse(d);
        for (String dep : d) {
            visit(dep, deps, order);
        }
        order.add(path);
    }

    static String initScript(List<String> modules) {
        var sb = new StringBuilder();
        sb.append("#!/bin/busybox sh\n");
        sb.append("# kimg initrd: load the VirtioFS modules, mount the root share, hand over to kimg's init.\n");
        sb.append("/bin/busybox --install -s /bin\n");
        sb.append("mount -t proc proc /proc\nmount -t sysfs sysfs /sys\nmount -t devtmpfs devtmpfs /dev\n");
        for (String m : modules) {
            String file = m.substring(m.lastIndexOf('/') + 1).replaceFirst("\\.(xz|zst|gz)$", "");
            sb.append("insmod /modules/").append(file).append(" 2>/dev/null\n");
        }
        sb.append("mkdir -p /newroot\n");
        sb.append("mount -t virtiofs root /newroot || { echo 'kimg initrd: cannot mount the root share'; exec sh; }\n");
        sb.append("init=/usr/lib/kimg/init\n");
        sb.append("for arg in $(cat /proc/cmdline); do case \"$arg\" in init=*) init=${arg#init=};; esac; done\n");
        sb.append("umount /proc /sys\nmount --move /dev /newroot/dev 2>/dev/null || umount /dev\n");
        sb.append("exec switch_root /newroot \"$init\"\n");
        return sb.toString();
    }

    /** The image's own busybox (resolved inside the image, like the modules), made executable. */
    private static void copyImageBusybox(Path imageRoot, Path dst, kimg.config.Architecture architecture)
            throws IOException {
        for (String candidate : List.of("usr/bin/busybox", "bin/busybox")) {
            try (InputStream in = ImageTreePath.open(imageRoot, candidate)) {
                Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(dst, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
                return;
            } catch (IOException e) {
                // try the next one
            }
        }
        throw new kimg.config.ConfigError(null, "Packages", "an " + architecture + " image booted with its"
                + " distribution kernel needs busybox-static in Packages= (kimg's initrd runs the image's busybox)");
    }

    /**
     * Writes {@code out} (a newc cpio) for the kernel {@code release} installed in {@code imageRoot}.
     */
    public static Path build(Path imageRoot, String release, Path out, Exec exec) {
        return build(imageRoot, release, out, exec, kimg.config.Architecture.host());
    }

    /**
     * The same for an image of {@code architecture}: a foreign image's initrd needs a busybox of its own
     * architecture, taken from the image (Packages=busybox-static) instead of the host's.
     *
     * @throws kimg.config.ConfigError when a foreign image has no /usr/bin/busybox or /bin/busybox
     */
    public static Path build(Path imageRoot, String release, Path out, Exec exec,
            kimg.config.Architecture architecture) {
        boolean foreign = architecture.foreignTo(kimg.config.Architecture.host());
        HostTools.ensure("initrd", foreign
                ? List.of(HostTools.Tool.command("cpio", "cpio"), HostTools.Tool.command("xz", "xz-utils"))
                : List.of(HostTools.Tool.file("busybox", "busybox-static", "/bin/busybox"),
                        HostTools.Tool.command("cpio", "cpio"), HostTools.Tool.command("xz", "xz-utils")), exec);
        // The image is the guest's read-write root: every path in it is resolved inside it (ImageTreePath), so a
        // planted symlink cannot make this host-side copy read a host file into the initrd.
        String modulesDir = "usr/lib/modules/" + release;
        Path stage = out.resolveSibling(out.getFileName() + ".d");
        try {
            FileTrees.deleteRecursively(stage);
            for (String d : List.of("bin", "proc", "sys", "dev", "modules", "newroot")) {
                Files.createDirectories(stage.resolve(d));
            }
            if (foreign) {
                copyImageBusybox(imageRoot, stage.resolve("bin/busybox"), architecture);
            } else {
                Files.copy(Path.of("/bin/busybox"), stage.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
            }
            List<String> modules = new ArrayList<>();
            for (String m : loadOrder(parseModulesDep(readInImage(imageRoot, modulesDir + "/modules.dep")), NEEDED)) {
                String file = m.substring(m.lastIndexOf('/') + 1);
                if (!MODULE_FILE.matcher(file).matches()) {
                    exec.console().warn("initrd: skipping '" + m + "' from the image's modules.dep: not a module file");
                    continue;
                }
                Path dst = stage.resolve("modules").resolve(file);
                try (InputStream in = ImageTreePath.open(imageRoot, modulesDir + "/" + m)) {
                    Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException e) {
                    exec.console().warn("initrd: " + m + " is not a file inside the image; skipped");
                    continue;
                }
                modules.add(m);
                if (m.endsWith(".xz")) {
                    exec.run("initrd-unxz", Cmd.of("xz", "-d", "-f", "--", dst.toString()));
                } else if (m.endsWith(".zst")) {
                    exec.run("initrd-unzstd", Cmd.of("zstd", "-d", "-f", "--rm", "-q", "--", dst.toString()));
                }
            }
            Path init = stage.resolve("init");
            Files.writeString(init, initScript(modules));
            Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
            StagedReplace.replaceFile(out, tmp -> {
                // cpio reads the file list on stdin; a tiny fixed shell pipeline with no config values in it.
                exec.run("initrd-cpio", Cmd.of("sh", "-c",
                        "find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet > \"$0\"", tmp.toString()).in(stage));
                // Read by QEMU, which runs as this user: nobody else needs it.
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            });
            FileTrees.deleteRecursively(stage);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
