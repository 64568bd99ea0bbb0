package kimg.kconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dropped-symbol explanation on a tiny synthetic Kconfig tree (shaped like fs/Kconfig and lib/Kconfig). */
class UnmetDependenciesTest {
    static final KconfigTree TREE = KconfigTree.parse(Map.of(
            "Kconfig", List.of("mainmenu \"test\"", "source \"fs/Kconfig\"", "osource \"missing/Kconfig\"",
                    "source \"lib/Kconfig\""),
            "fs/minix/Kconfig", List.of(
                    "config MINIX_FS",
                    "\ttristate \"Minix\"",
                    "\tdepends on BLOCK && \\",
                    "\t\t(64BIT || X86_32)",
                    "\tselect CRC_HELPER"),
            "fs/Kconfig", List.of(
                    "menu \"File systems\"",
                    "config BLOCK",
                    "\tbool \"Block layer\"",
                    "\thelp",
                    "\t  config NOT_A_SYMBOL is help text",
                    "\t  depends on NOTHING",
                    "",
                    "menuconfig MISC_FILESYSTEMS",
                    "\tbool \"Miscellaneous\"",
                    "if MISC_FILESYSTEMS",
                    "rsource \"minix/Kconfig\"",
                    "endif",
                    "config DEBUG_ONLY",
                    "\tbool \"Debug\"",
                    "\tdepends on !SMALL",
                    "config WIDE",
                    "\tbool",
                    "\tdepends on ARCH = \"x86\"",
                    "endmenu"),
            "lib/Kconfig", List.of(
                    "config CRC_HELPER",
                    "\ttristate",
                    "config 64BIT",
                    "\tbool \"64-bit kernel\"",
                    "config X86_32",
                    "\tdef_bool !64BIT",
                    "config SMALL",
                    "\tbool \"small\"",
                    "config ARCH",
                    "\tstring",
                    "\tdefault \"x86\"")));

    private static UnmetDependencies explain(String symbol, String wanted, Map<String, String> config) {
        return UnmetDependencies.explain(TREE, symbol, wanted, s -> config.getOrDefault(s, "n"));
    }

    @Test
    void parsesEntriesBlocksContinuationsAndSkipsHelpText() {
        KconfigTree.Definition minix = TREE.definitions("MINIX_FS").get(0);
        assertEquals("tristate", minix.type());
        assertTrue(minix.prompt());
        assertEquals(List.of("MISC_FILESYSTEMS", "BLOCK && (64BIT || X86_32)"), minix.dependsOn());
        assertEquals("fs/minix/Kconfig:1", minix.where());
        assertEquals(List.of(), TREE.definitions("BLOCK").get(0).dependsOn());
        assertTrue(TREE.definitions("NOT_A_SYMBOL").isEmpty());
        assertEquals("MINIX_FS", TREE.selectors("CRC_HELPER").get(0).symbol());
        assertTrue(!TREE.definitions("X86_32").get(0).prompt());
    }

    @Test
    void anUnmetChainEndsInTheFragmentLinesThatSatisfyIt() {
        UnmetDependencies u = explain("MINIX_FS", "m", Map.of("X86_32", "y"));
        assertEquals(List.of("CONFIG_MISC_FILESYSTEMS=y", "CONFIG_BLOCK=y", "CONFIG_MINIX_FS=m"), u.fragment());
        assertTrue(u.chain().get(0).startsWith("CONFIG_MINIX_FS depends on MISC_FILESYSTEMS (fs/minix/Kconfig:1)"),
                String.join("\n", u.chain()));
    }

    @Test
    void anOrTakesItsFirstAlternative() {
        UnmetDependencies u = explain("MINIX_FS", "y", Map.of("MISC_FILESYSTEMS", "y", "BLOCK", "y"));
        assertEquals(List.of("CONFIG_64BIT=y", "CONFIG_MINIX_FS=y"), u.fragment());
        assertTrue(String.join("\n", u.chain()).contains("(one of: 64BIT || X86_32; taking the first)"));
    }

    @Test
    void aSymbolWithoutPromptNamesWhatSelectsIt() {
        UnmetDependencies u = explain("CRC_HELPER", "y", Map.of("64BIT", "y"));
        assertTrue(u.chain().get(0).contains("only select sets it; selected by CONFIG_MINIX_FS"), u.chain().get(0));
        assertEquals(List.of("CONFIG_MISC_FILESYSTEMS=y", "CONFIG_BLOCK=y", "CONFIG_MINIX_FS=y"), u.fragment());
    }

    @Test
    void negationsComparisonsBoolsAndUnknownSymbols() {
        assertEquals(List.of("# CONFIG_SMALL is not set", "CONFIG_DEBUG_ONLY=y"),
                explain("DEBUG_ONLY", "y", Map.of("SMALL", "y")).fragment());
        assertEquals(List.of("CONFIG_ARCH=\"x86\""), explain("WIDE", "y", Map.of("ARCH", "\"arm\"")).fragment()
                .subList(0, 1));
        assertTrue(explain("BLOCK", "m", Map.of()).chain().get(0).contains("is a bool"));
        assertTrue(explain("NO_SUCH", "y", Map.of()).chain().get(0).contains("no such symbol"));
    }

    @Test
    void expressionsEvaluateInTristateLogic() {
        var values = Map.of("A", "y", "B", "m", "S", "\"x86\"");
        assertEquals(1, KconfigExpr.parse("A && B").eval(s -> values.getOrDefault(s, "n")));
        assertEquals(2, KconfigExpr.parse("!C || B").eval(s -> values.getOrDefault(s, "n")));
        assertEquals(1, KconfigExpr.parse("!B").eval(s -> values.getOrDefault(s, "n")));
        assertEquals(2, KconfigExpr.parse("S = \"x86\" && $(cc-option,-mfoo)").eval(s -> values.getOrDefault(s,
                "n")));
        assertEquals(0, KconfigExpr.parse("S != \"x86\"").eval(s -> values.getOrDefault(s, "n")));
    }
}
