package kimg.module;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a kernel build produced, handed to the image and vm stages and to the manifest.
 *
 * @param release         `make kernelrelease` (e.g. 6.1.192-test): the name of the modules directory
 * @param localVersion    the LV that chose {@code buildDir} (see {@link LocalVersion}), "" when none
 * @param sourceTree      the kernel source tree (read only)
 * @param buildDir        {@code <buildRoot>/kernel/<LV dir>}: the out-of-tree build directory (O=)
 * @param bzImage         the bootable image in {@code buildDir} (arch/x86/boot/bzImage on x86-64)
 * @param vmlinux         the ELF image with debug info, for gdb
 * @param systemMap       System.map
 * @param modulesRoot     {@code <buildRoot>/kernel/modules}: shared by every LV, bind-mounted on /usr/lib/modules
 * @param modulesDir      {@code <modulesRoot>/<release>} with modules.dep
 * @param compileCommands compile_commands.json in {@code buildDir}, or null when it could not be generated
 * @param gdbScript       vmlinux-gdb.py in {@code buildDir} (the lx- commands), or null without GDB_SCRIPTS
 * @param configHash      sha256 of the final .config
 * @param compiler        CONFIG_CC_VERSION_TEXT of the final .config
 * @param steps           what each step took, in order (configure, make, modules_install, ...)
 * @param identity        the build identity ({@code <readable>-<8 hex>}, kimg.source.BuildIdentity) when the kernel
 *                        is built by identity, else null
 */
public record KernelArtifacts(
        String release,
        String localVersion,
        Path sourceTree,
        Path buildDir,
        Path bzImage,
        Path vmlinux,
        Path systemMap,
        Path modulesRoot,
        Path modulesDir,
        Path compileCommands,
        Path gdbScript,
        String configHash,
        String compiler,
        Map<String, Duration> steps,
        String identity) {

    public KernelArtifacts {
        steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
    }

    /** A kernel built without an identity. */
    public KernelArtifacts(String release, String localVersion, Path sourceTree, Path buildDir, Path bzImage,
            Path vmlinux, Path systemMap, Path modulesRoot, Path modulesDir, Path compileCommands, Path gdbScript,
            String configHash, String compiler, Map<String, Duration> steps) {
        this(release, localVersion, sourceTree, buildDir, bzImage, vmlinux, systemMap, modulesRoot, modulesDir,
                compileCommands, gdbScript, configHash, compiler, steps, null);
    }
}
