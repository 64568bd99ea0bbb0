package kimg.kconfig;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code kimg devtools} runs and prints so that clangd (and rust-analyzer) work on the user's own kernel
 * checkout without kimg writing into it: the compilation database is written in the build directory, and clangd is
 * pointed there by one line of its config.
 */
public final class EditorSupport {
    static final String COMPILE_COMMANDS = "compile_commands.json";

    private EditorSupport() {}

    /**
     * The tree's own generator over the build directory's .cmd files: every entry's "directory" is the build
     * directory and its "file" the absolute source path, as clangd needs for an O= build.
     */
    public static List<String> compileCommandsArgv(Path sourceTree, Path buildDir) {
        return List.of("python3", sourceTree.resolve("scripts/clang-tools/gen_compile_commands.py").toString(),
                "-d", buildDir.toString(), "-o", buildDir.resolve(COMPILE_COMMANDS).toString());
    }

    /**
     * gcc options kbuild passes that clang's driver rejects ("unknown argument"), or accepts only behind an extra
     * flag (-ftrivial-auto-var-init=zero before clang 16): clangd reports each as an error in every file of a gcc
     * build, so the clangd line drops them (harmless for a clang build, whose commands do not carry them). Taken from
     * the Makefiles of 6.1 (top-level and arch/x86) where they are added for gcc only; clangd accepts * globs.
     */
    static final List<String> GCC_ONLY_FLAGS = List.of("-mpreferred-stack-boundary=*", "-fno-allow-store-data-races",
            "-fconserve-stack", "-ftrivial-auto-var-init=zero", "-mindirect-branch=*", "-mindirect-branch-register",
            "-mfunction-return=*", "-fzero-call-used-regs=*", "-mrecord-mcount", "-mharden-sls=*",
            "-fmin-function-alignment=*", "-fno-ipa-sra");

    /**
     * The line for a {@code .clangd} file at the top of the checkout (or, to leave the checkout alone, under an
     * {@code If: PathMatch: <tree>/.*} block of ~/.config/clangd/config.yaml). clangd reads the database from that
     * directory instead of searching the source's parents, and drops {@link #GCC_ONLY_FLAGS}.
     */
    public static String clangdLine(Path buildDir) {
        return "CompileFlags: {CompilationDatabase: " + buildDir + ", Remove: [" + String.join(", ", GCC_ONLY_FLAGS)
                + "]}";
    }
}
