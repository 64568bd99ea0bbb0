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
     * The line for a {@code .clangd} file at the top of the checkout (or, to leave the checkout alone, under the
     * {@link #clangdPathMatch} block of ~/.config/clangd/config.yaml). clangd reads the database from that directory
     * instead of searching the source's parents, and drops {@link #GCC_ONLY_FLAGS}. The directory is a YAML
     * double-quoted scalar: a path holding ": ", " #", a leading "-" or a quote is still one string.
     */
    public static String clangdLine(Path buildDir) {
        return "CompileFlags: {CompilationDatabase: " + yamlQuoted(buildDir.toString()) + ", Remove: ["
                + String.join(", ", GCC_ONLY_FLAGS) + "]}";
    }

    /**
     * The condition of a ~/.config/clangd/config.yaml fragment that applies to the files under {@code sourceTree}:
     * {@code If: {PathMatch: "<tree>/.*"}}. PathMatch is a regular expression over the file's absolute path, so the
     * tree's own characters are escaped for the regex ({@code linux-6.1.y+fix} holds '.' and '+'), then for YAML.
     */
    public static String clangdPathMatch(Path sourceTree) {
        var regex = new StringBuilder();
        for (char c : sourceTree.toString().toCharArray()) {
            if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
                regex.append('\\');
            }
            regex.append(c);
        }
        return "If: {PathMatch: " + yamlQuoted(regex + "/.*") + "}";
    }

    /**
     * {@code text} as a YAML double-quoted scalar (YAML 1.2, section 7.3.1), which holds any string: '"' and '\'
     * are escaped, and so is every character outside YAML's printable set (controls, DEL, C1, surrogates,
     * U+FFFE/U+FFFF) and every character YAML 1.1 readers take for a line break (NEL, LS, PS), so the value stays
     * on one line.
     */
    static String yamlQuoted(String text) {
        var sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                sb.append(c).append(text.charAt(++i)); // a supplementary character: printable
                continue;
            }
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> {
                    boolean printable = c >= 0x20 && c < 0x7f || c >= 0xa0 && c <= 0xd7ff && c != 0x2028
                            && c != 0x2029 || c >= 0xe000 && c <= 0xfffd && c != 0xfeff;
                    sb.append(printable ? String.valueOf(c) : String.format("\\u%04X", (int) c));
                }
            }
        }
        return sb.append('"').toString();
    }
}
