package kimg.image;

import kimg.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.config.ConfigError;

/**
 * The guest side of kimg, written into every image: {@code /usr/lib/kimg/init} (the guest contract: mounts, the
 * kimg.cmd runner, autologin), its settings, the hostname, the /work mount points, and, when the image has
 * systemd, a generator and getty drop-ins that do the same job under systemd. {@link #files} is pure (unit-tested
 * file by file); {@link #apply} writes them.
 */
public final class GuestSetup {
    private GuestSetup() {}

    /** The init kimg boots (init=): the compiled {@link GuestInit} where it can be built, else the shell init. */
    public static final String INIT = "/usr/lib/kimg/init";
    /** The shell init: the whole guest contract in POSIX sh; the compiled init hands over to it for Ssh=yes. */
    public static final String INIT_SH = "/usr/lib/kimg/init.sh";
    /** The selftests runner on the guest's PATH. */
    public static final String KSELFTEST = "/usr/local/bin/kselftest";

    public enum Kind { FILE, DIRECTORY, SYMLINK }

    /**
     * One thing to create in the image.
     *
     * @param path    absolute path inside the image
     * @param kind    file, directory or symlink
     * @param content file content, or the symlink target; "" for a directory
     * @param mode    permission bits (files and directories)
     */
    public record GuestFile(String path, Kind kind, String content, int mode) {
        static GuestFile file(String path, String content, int mode) {
            return new GuestFile(path, Kind.FILE, content, mode);
        }
    }

    /**
     * What guest setup depends on, taken from the config and the tree (systemd or not).
     *
     * @param authorizedKey the public key root accepts over SSH (Ssh=yes), or null for no sshd setup
     */
    public record GuestSettings(String hostname, boolean autologin, boolean hasSystemd, String authorizedKey) {
        public GuestSettings(String hostname, boolean autologin, boolean hasSystemd) {
            this(hostname, autologin, hasSystemd, null);
        }
    }

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    public static GuestSettings settings(Config config, Path root) {
        // Hostname= was checked by its row's parser (ValueParser.HOSTNAME) when the config was read.
        String hostname = config.get(Settings.HOSTNAME);
        String authorizedKey = config.sshInImage() ? SshKey.authorizedKey(config) : null;
        return new GuestSettings(hostname, config.get(Settings.AUTOLOGIN), hasSystemd(root), authorizedKey);
    }

    public static boolean hasSystemd(Path root) {
        return Files.isRegularFile(root.resolve("usr/lib/systemd/systemd"))
                || Files.isRegularFile(root.resolve("lib/systemd/systemd"));
    }

    public static List<GuestFile> files(GuestSettings s) {
        var out = new ArrayList<GuestFile>();
        out.add(new GuestFile("/usr/lib/kimg", Kind.DIRECTORY, "", 0755));
        out.add(GuestFile.file(INIT, initScript(), 0755));
        out.add(GuestFile.file(INIT_SH, initScript(), 0755));
        // `kimg run -- kselftest TARGET[:TEST]`: the selftests built with SELFTESTS=1, with the suite's status.
        out.add(GuestFile.file(KSELFTEST, resource("/kimg/image/kselftest"), 0755));
        out.add(GuestFile.file("/usr/lib/kimg/guest.conf",
                "# written by kimg; read by /usr/lib/kimg/init\nKIMG_AUTOLOGIN=" + (s.autologin() ? "yes" : "no")
                        + "\nKIMG_SSH=" + (s.authorizedKey() != null ? "yes" : "no") + "\n", 0644));
        // The kernel runs /init from an initramfs: this makes the cpio format bootable as one.
        out.add(new GuestFile("/init", Kind.SYMLINK, "usr/lib/kimg/init", 0777));
        out.add(GuestFile.file("/etc/hostname", s.hostname() + "\n", 0644));
        out.add(GuestFile.file("/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t" + s.hostname() + "\n"
                + "::1\t\tlocalhost ip6-localhost ip6-loopback\n", 0644));
        out.add(new GuestFile("/work", Kind.DIRECTORY, "", 0755));
        out.add(new GuestFile("/work/src", Kind.DIRECTORY, "", 0755));
        out.add(new GuestFile("/work/build", Kind.DIRECTORY, "", 0755));
        if (s.authorizedKey() != null) {
            // sshd's StrictModes refuses keys in a directory or file others can write; keep both private.
            out.add(new GuestFile("/root", Kind.DIRECTORY, "", 0700));
            out.add(new GuestFile("/root/.ssh", Kind.DIRECTORY, "", 0700));
            out.add(GuestFile.file("/" + SshKey.AUTHORIZED_KEYS, s.authorizedKey() + "\n", 0600));
        }
        if (s.hasSystemd()) {
            out.add(new GuestFile("/usr/lib/systemd/system-generators", Kind.DIRECTORY, "", 0755));
            out.add(GuestFile.file("/usr/lib/systemd/system-generators/kimg-mounts", mountGenerator(), 0755));
            if (s.autologin()) {
                out.add(new GuestFile("/etc/systemd/system/serial-getty@.service.d", Kind.DIRECTORY, "", 0755));
                out.add(GuestFile.file("/etc/systemd/system/serial-getty@.service.d/kimg-autologin.conf",
                        gettyDropIn("-"), 0644));
                out.add(new GuestFile("/etc/systemd/system/console-getty.service.d", Kind.DIRECTORY, "", 0755));
                out.add(GuestFile.file("/etc/systemd/system/console-getty.service.d/kimg-autologin.conf",
                        gettyDropIn("console"), 0644));
            }
        }
        return out;
    }

    /** The guest contract's init, shipped as a resource so it can be read and shell-checked as a file. */
    public static String initScript() {
        return resource("/kimg/image/init");
    }

    private static String resource(String name) {
        try (InputStream in = GuestSetup.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " missing from the kimg jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A systemd generator: turns kimg.mounts= into mount units, plus the /usr/lib/modules bind mount, so an image
     * booted straight into systemd (or through kimg's init, which mounted them already) has the same /work.
     */
    static String mountGenerator() {
        return """
                #!/bin/sh
                # kimg: mount units for the virtiofs shares in kimg.mounts= (same syntax as /usr/lib/kimg/init).
                set -f
                out=${1:-/run/systemd/generator}
                read -r cmdline < /proc/cmdline
                mounts=
                for arg in $cmdline; do
                    case "$arg" in kimg.mounts=*) mounts=${arg#kimg.mounts=} ;; esac
                done
                mkdir -p "$out/local-fs.target.wants"
                saved_ifs=$IFS
                IFS=,
                for share in $mounts; do
                    IFS=$saved_ifs
                    tag=${share%%:*}
                    path=${share#*:}
                    options=rw
                    case "$path" in
                        *:ro) path=${path%:ro}; options=ro ;;
                        *:rw) path=${path%:rw} ;;
                    esac
                    if [ -z "$tag" ] || [ "$tag" = "$share" ] || [ -z "$path" ]; then continue; fi
                    unit=$(systemd-escape --path --suffix=mount "$path") || continue
                    printf '[Unit]\\nDescription=kimg share %s\\nBefore=local-fs.target\\n\\n[Mount]\\nWhat=%s\\nWhere=%s\\nType=virtiofs\\nOptions=%s\\n' \\
                        "$tag" "$tag" "$path" "$options" > "$out/$unit"
                    ln -sf "../$unit" "$out/local-fs.target.wants/$unit"
                done
                IFS=$saved_ifs
                printf '[Unit]\\nDescription=kimg kernel modules from the build directory\\nConditionPathIsDirectory=/work/build/kernel/modules\\nRequiresMountsFor=/work/build/kernel/modules\\nBefore=local-fs.target\\n\\n[Mount]\\nWhat=/work/build/kernel/modules\\nWhere=/usr/lib/modules\\nType=none\\nOptions=bind\\n' \\
                    > "$out/usr-lib-modules.mount"
                ln -sf ../usr-lib-modules.mount "$out/local-fs.target.wants/usr-lib-modules.mount"
                """;
    }

    /** Replaces the getty's command with one that logs root in (serial ports: "-" is the unit's TTY). */
    private static String gettyDropIn(String port) {
        String line = port.equals("-")
                ? "--keep-baud 115200,57600,38400,9600 - $TERM"
                : "--keep-baud console 115200,57600,38400,9600 $TERM";
        return "# written by kimg (Autologin=yes)\n[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root "
                + "--noclear " + line + "\n";
    }

    /**
     * Root gets an empty password (mmdebstrap leaves it locked), so Autologin=no still lets a developer log in on
     * the console. Debian's PAM accepts empty passwords (nullok); sshd does not (PermitEmptyPasswords no).
     */
    static String withEmptyRootPassword(String shadow) {
        var sb = new StringBuilder();
        for (String line : shadow.split("\n", -1)) {
            if (line.startsWith("root:")) {
                String[] f = line.split(":", -1);
                if (f.length > 1 && (f[1].equals("*") || f[1].equals("!") || f[1].equals("!*"))) {
                    f[1] = "";
                    line = String.join(":", f);
                }
            }
            sb.append(line).append('\n');
        }
        return sb.substring(0, sb.length() - 1);
    }

    /** Writes {@code files} into {@code root}, never through a symlink that leads out of the tree. */
    public static void apply(Path root, List<GuestFile> files) {
        try {
            Path realRoot = root.toRealPath();
            for (GuestFile f : files) {
                Path target = root.resolve(f.path().substring(1));
                Path parent = target.getParent();
                Files.createDirectories(parent);
                if (!parent.toRealPath().startsWith(realRoot)) {
                    throw new IOException("refusing to write " + f.path() + ": its directory leads out of the image");
                }
                switch (f.kind()) {
                    case DIRECTORY -> {
                        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                            Files.deleteIfExists(target);
                            Files.createDirectory(target);
                        }
                        Files.setPosixFilePermissions(target, permissions(f.mode()));
                    }
                    case SYMLINK -> {
                        Files.deleteIfExists(target);
                        Files.createSymbolicLink(target, Path.of(f.content()));
                    }
                    case FILE -> {
                        Files.deleteIfExists(target);
                        Files.writeString(target, f.content());
                        Files.setPosixFilePermissions(target, permissions(f.mode()));
                    }
                }
            }
            Path shadow = root.resolve("etc/shadow");
            if (Files.isRegularFile(shadow, LinkOption.NOFOLLOW_LINKS)) {
                String before = Files.readString(shadow);
                String after = withEmptyRootPassword(before);
                if (!after.equals(before)) {
                    Files.writeString(shadow, after);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("guest setup in " + root + ": " + e.getMessage(), e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        var set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
        };
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}
