package kimg.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import kimg.config.Architecture;

/**
 * Running programs of another architecture on this host: what an image of a foreign architecture needs before any
 * step runs. mmdebstrap (and dnf --forcearch) run the packages' maintainer scripts inside the new tree, and bwrap
 * runs userspace modules' {@code .chroot} build scripts and mkosi.postinst in the image: all of them exec arm64
 * binaries, which the kernel hands to qemu-user through binfmt_misc. Nothing is cross-built: every program in the
 * image runs emulated (slow but exactly what the guest runs).
 */
public final class ForeignBinaries {
    /** Where binfmt_misc is mounted. */
    public static final Path BINFMT_MISC = Path.of("/proc/sys/fs/binfmt_misc");

    private ForeignBinaries() {}

    /**
     * Why {@code target}'s binaries cannot run here, with the fix, or empty when they can (or need no emulation).
     * The entry must exist and say {@code enabled}; its {@code F} flag (qemu-user-static registers with it) makes
     * the interpreter work inside chroots and bwrap sandboxes, where /usr/libexec/qemu-binfmt is not visible.
     *
     * @param binfmtMisc the binfmt_misc mount ({@link #BINFMT_MISC}; a test passes a directory of its own)
     */
    public static Optional<String> problem(Architecture target, Architecture host, Path binfmtMisc) {
        if (!target.foreignTo(host)) {
            return Optional.empty();
        }
        String entry = target.binfmtEntry();
        Path file = binfmtMisc.resolve(entry);
        String fix = "apt-get install qemu-user-static binfmt-support; mount -t binfmt_misc binfmt_misc "
                + BINFMT_MISC + " (if it is not mounted); update-binfmts --enable " + entry;
        if (!Files.isRegularFile(binfmtMisc.resolve("register")) && !Files.exists(file)) {
            return Optional.of("an " + target + " image runs " + target + " programs under qemu-user, but binfmt_misc"
                    + " is not mounted at " + binfmtMisc + ": " + fix);
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            return Optional.of("an " + target + " image runs " + target + " programs under qemu-user, but no "
                    + file + " handler is registered: " + fix);
        }
        if (!text.lines().findFirst().orElse("").strip().equals("enabled")) {
            return Optional.of(file + " is registered but disabled: update-binfmts --enable " + entry);
        }
        String flags = text.lines().filter(l -> l.startsWith("flags:")).findFirst().orElse("flags:");
        if (!flags.substring("flags:".length()).contains("F")) {
            return Optional.of(file + " lacks the F flag, so its interpreter is not found inside the image's"
                    + " sandbox: install qemu-user-static (its handlers have it) and run update-binfmts --enable "
                    + entry);
        }
        return Optional.empty();
    }
}
