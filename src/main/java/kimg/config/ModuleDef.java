package kimg.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A module: a directory with an mkosi.conf reached through Include= (modules/kernel, modules/btrfs-progs, or a
 * user's own). Its name is the directory's name and its build script is {@code mkosi.build} (run on the host) or
 * {@code mkosi.build.chroot} (run inside the image tree), mkosi's convention.
 *
 * @param enabled true when the module's mkosi.conf was included and its [Match] held
 */
public record ModuleDef(String name, Path directory, Optional<Path> buildScript, boolean enabled) {
    public static Optional<Path> findBuildScript(Path dir) {
        for (String n : new String[] {"mkosi.build.chroot", "mkosi.build"}) {
            Path p = dir.resolve(n);
            if (java.nio.file.Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** True for scripts that mkosi runs inside the image (the {@code .chroot} suffix). */
    public boolean runsInImage() {
        return buildScript.map(p -> p.getFileName().toString().endsWith(".chroot")).orElse(false);
    }
}
