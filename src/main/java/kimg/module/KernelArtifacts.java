package kimg.module;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a kernel build produced, handed to the image and vm stages.
 *
 * @param modulesRoot     {@code <buildRoot>/kernel/modules}, shared by every localversion build directory
 * @param modulesDir      {@code <modulesRoot>/<release>}
 * @param compileCommands nullable
 * @param gdbScript       nullable (vmlinux-gdb.py, present with CONFIG_GDB_SCRIPTS)
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
        Map<String, Duration> steps) {}
