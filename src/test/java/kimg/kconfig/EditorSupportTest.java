package kimg.kconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.host.HostTools;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clangd lines {@code kimg devtools} prints, for paths that are not plain YAML scalars: as text, and read by
 * clangd itself ({@code clangd --check}, when it is installed), which must load the compilation database from the
 * build directory they name and compile the file with its flags.
 */
class EditorSupportTest {
    @TempDir
    Path tmp;

    @Test
    void yamlQuotingEscapesWhatEndsOrBendsAPlainScalar() {
        assertEquals("\"/b/kernel/6.1.0\"", EditorSupport.yamlQuoted("/b/kernel/6.1.0"));
        assertEquals("\"/home/a: b/#1 x\"", EditorSupport.yamlQuoted("/home/a: b/#1 x"));
        assertEquals("\"- [x], {y}, &z, *w, !t, |, >, %, @, `\"",
                EditorSupport.yamlQuoted("- [x], {y}, &z, *w, !t, |, >, %, @, `"));
        assertEquals("\"say \\\"hi\\\" \\\\ back\"", EditorSupport.yamlQuoted("say \"hi\" \\ back"));
        assertEquals("\"a\\tb\\nc\\rd\"", EditorSupport.yamlQuoted("a\tb\nc\rd"));
        // Controls, DEL, C1 (NEL among them), line and paragraph separators, BOM, a lone surrogate: escaped.
        assertEquals("\"\\u0000\\u001B\\u007F\\u0085\\u009F\\u2028\\u2029\\uFEFF\\uD800x\"",
                EditorSupport.yamlQuoted("\u0000\u001b\u007f\u0085\u009f\u2028\u2029\ufeff\ud800x"));
        // Printable non-ASCII stays as it is, a supplementary character as its pair.
        assertEquals("\"/home/jöran/\u00a0é/\ud83d\ude00\"", EditorSupport.yamlQuoted("/home/jöran/\u00a0é/\ud83d\ude00"));
        assertEquals("\"\"", EditorSupport.yamlQuoted(""));
    }

    @Test
    void theBuildDirectoryIsQuotedAndTheTreeEscapedAsARegularExpression() {
        assertTrue(EditorSupport.clangdLine(Path.of("/p/build: #2")).startsWith(
                "CompileFlags: {CompilationDatabase: \"/p/build: #2\", Remove: [-mpreferred-stack-boundary=*, "));
        assertEquals("If: {PathMatch: \"/src/linux-6\\\\.1\\\\.y\\\\+fix \\\\(a: b\\\\) #\\\\[1\\\\]/.*\"}",
                EditorSupport.clangdPathMatch(Path.of("/src/linux-6.1.y+fix (a: b) #[1]")));
    }

    /**
     * A source tree and a build directory whose names break unquoted YAML; the database defines FOO, which the
     * file needs: "0 errors" and the database's path in clangd's log show that clangd read the line as meant.
     */
    @Test
    void clangdReadsTheDatabaseFromTheDirectoryTheLinesName() throws Exception {
        assumeTrue(HostTools.onPath("clangd"), "clangd is not installed");
        Path tree = Files.createDirectories(tmp.resolve("linux-6.1.y+fix (a: b) #1"));
        Path build = Files.createDirectories(tmp.resolve("-build: #2 \"q\" \\ [x]"));
        Path file = tree.resolve("a.c");
        Files.writeString(file, "int main(void) { return FOO; }\n");
        Files.writeString(build.resolve(EditorSupport.COMPILE_COMMANDS), "[{\"directory\": " + json(build)
                + ", \"file\": " + json(file) + ", \"arguments\": [\"cc\", \"-DFOO=0\", \"-c\", " + json(file)
                + "]}]\n");
        Exec exec = new Exec(StepLogs.under(tmp.resolve("logs")), Console.plain(System.err));
        Path home = Files.createDirectories(tmp.resolve("home"));
        Map<String, String> env = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config")
                .toString(), "XDG_CACHE_HOME", home.resolve(".cache").toString());

        // The .clangd file at the top of the tree.
        Files.writeString(tree.resolve(".clangd"), EditorSupport.clangdLine(build) + "\n");
        assertLoads(exec.runUnchecked("clangd-check", Cmd.of("clangd", "--check=" + file).withEnv(env)), build);

        // The user's config instead, under the PathMatch condition.
        Files.delete(tree.resolve(".clangd"));
        Path userConfig = Files.createDirectories(home.resolve(".config/clangd")).resolve("config.yaml");
        Files.writeString(userConfig, EditorSupport.clangdPathMatch(tree) + "\n" + EditorSupport.clangdLine(build)
                + "\n");
        assertLoads(exec.runUnchecked("clangd-check", Cmd.of("clangd", "--check=" + file).withEnv(env)), build);
    }

    private static void assertLoads(Exec.Result r, Path build) throws Exception {
        String log = Files.readString(r.log());
        assertEquals(0, r.exitStatus(), log);
        assertTrue(log.contains("Loaded compilation database from " + build.resolve(EditorSupport.COMPILE_COMMANDS)),
                log);
        assertTrue(log.contains("All checks completed, 0 errors"), log);
    }

    private static String json(Path p) {
        return "\"" + p.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
