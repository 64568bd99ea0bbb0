package kimg.vm;

import java.nio.file.Path;
import java.util.List;

/**
 * The kernel tree's own decoder, {@code scripts/decode_stacktrace.sh VMLINUX BASEPATH MODULES}, which reads a
 * report on stdin and appends {@code (file:line)} to every {@code symbol+off/len} frame (addr2line on vmlinux, or
 * on the module's .ko it finds under MODULES). BASEPATH, the source tree, is cut from the file names: an out-of-tree
 * build records absolute source paths. MODULES is the build directory, where every .ko still has its debug info.
 */
public final class DecodeStacktraceCommand {
    private DecodeStacktraceCommand() {}

    /**
     * @param sourceTree the kernel source the build used (holds scripts/decode_stacktrace.sh)
     * @param vmlinux    the build's vmlinux; its directory is the build directory
     */
    public static List<String> argv(Path sourceTree, Path vmlinux) {
        return List.of("bash", sourceTree.resolve("scripts/decode_stacktrace.sh").toString(), vmlinux.toString(),
                sourceTree.toString(), vmlinux.getParent().toString());
    }
}
