package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalVersionTest {
    @TempDir
    Path tree;

    @Test
    void emptyLocalVersionBuildsInTheDefaultDirectory() {
        LocalVersion lv = LocalVersion.of(tree, List.of(), null);
        assertEquals("", lv.value());
        assertEquals("default", lv.directoryName());
    }

    @Test
    void localVersionFilesAreReadInNameOrderWithoutTrailingNewlines() throws Exception {
        Files.writeString(tree.resolve("localversion-b"), "-b\n\n");
        Files.writeString(tree.resolve("localversion-a"), "-a\n");
        Files.writeString(tree.resolve("localversion"), "-0");
        assertEquals("-0-a-b", LocalVersion.of(tree, List.of(), null).value());
    }

    @Test
    void filesWithATildeAreSkipped() throws Exception {
        Files.writeString(tree.resolve("localversion-test"), "-test\n");
        Files.writeString(tree.resolve("localversion-test~"), "-backup\n");
        assertEquals("-test", LocalVersion.of(tree, List.of(), null).value());
    }

    @Test
    void onlyTheTopOfTheTreeCounts() throws Exception {
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("sub/localversion-x"), "-x\n");
        Files.createDirectories(tree.resolve("localversion-dir"));
        assertEquals("", LocalVersion.of(tree, List.of(), null).value());
    }

    @Test
    void configLocalVersionIsTheQuotedValue() {
        assertEquals("-dbg", LocalVersion.configLocalVersion(List.of("CONFIG_LOCALVERSION=\"-dbg\"")));
        assertEquals("", LocalVersion.configLocalVersion(List.of("CONFIG_LOCALVERSION=\"\"")));
        assertEquals("", LocalVersion.configLocalVersion(List.of("# CONFIG_LOCALVERSION_AUTO is not set")));
        assertEquals("a\"b", LocalVersion.configLocalVersion(List.of("CONFIG_LOCALVERSION=\"a\\\"b\"")));
    }

    @Test
    void filesThenConfigThenEnvironment() throws Exception {
        Files.writeString(tree.resolve("localversion-test"), "-test\n");
        LocalVersion lv = LocalVersion.of(tree, List.of("CONFIG_X=y", "CONFIG_LOCALVERSION=\"-cfg\""), "-env");
        assertEquals("-test-cfg-env", lv.value());
        assertEquals("-test-cfg-env", lv.directoryName());
    }

    @Test
    void directoryNameIsOnePathElement() {
        assertEquals("-a_b", new LocalVersion("-a/b").directoryName());
        assertEquals("lv..", new LocalVersion("..").directoryName());
    }
}
