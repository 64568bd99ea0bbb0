package kimg.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The identity's inputs, one rule per test, and how it is baked into a .config. */
class BuildIdentityTest {
    static final List<String> CONFIG = List.of("CONFIG_MODULES=y", "CONFIG_LOCALVERSION=\"\"",
            "# CONFIG_LOCALVERSION_AUTO is not set", "CONFIG_CC_VERSION_TEXT=\"gcc (Debian 12.2.0-14) 12.2.0\"");
    static final List<String> VARS = List.of("KBUILD_BUILD_TIMESTAMP=1970-01-01 00:00:00 UTC", "LOCALVERSION=");

    static BuildIdentity id(String tree, List<String> config, List<String> vars, String arch) {
        return BuildIdentity.of("v6.1", tree, config, vars, arch);
    }

    @Test
    void nameIsReadableDashEightHex() {
        BuildIdentity id = id("aaaa", CONFIG, VARS, "x86");
        assertTrue(id.name().matches("v6\\.1-[0-9a-f]{8}"), id.name());
        assertEquals("-" + id.name(), id.localVersion());
    }

    @Test
    void everyInputChangesIt() {
        BuildIdentity base = id("aaaa", CONFIG, VARS, "x86");
        assertNotEquals(base, id("bbbb", CONFIG, VARS, "x86"));
        assertNotEquals(base, id("aaaa", List.of("CONFIG_MODULES=n"), VARS, "x86"));
        assertNotEquals(base, id("aaaa", CONFIG, List.of("LLVM=1"), "x86"));
        assertNotEquals(base, id("aaaa", CONFIG, VARS, "arm64"));
    }

    @Test
    void theBakedLocalVersionAndCompilerWrappersDoNotChangeIt() {
        BuildIdentity base = id("aaaa", CONFIG, List.of("CC=gcc"), "x86");
        assertEquals(base, id("aaaa", base.bakedInto(CONFIG), List.of("CC=gcc"), "x86"));
        assertEquals(base, id("aaaa", CONFIG, List.of("CC=ccache gcc"), "x86"));
        assertEquals(base, id("aaaa", CONFIG, List.of("CC=distcc gcc"), "x86"));
        assertEquals(base, id("aaaa", CONFIG, List.of("CC=gcc", "LOCALVERSION=-x"), "x86"));
        // A farm or ccache adds CC= where there was none: the compiler is in CONFIG_CC_VERSION_TEXT anyway.
        assertEquals(base, id("aaaa", CONFIG, List.of(), "x86"));
        assertEquals(base, id("aaaa", CONFIG, List.of("CC=icecc gcc"), "x86"));
    }

    @Test
    void bakingReplacesInPlaceAndTurnsAutoOff() {
        BuildIdentity id = id("aaaa", CONFIG, VARS, "x86");
        List<String> baked = id.bakedInto(List.of("CONFIG_LOCALVERSION=\"-old\"", "CONFIG_LOCALVERSION_AUTO=y", "X=y"));
        assertEquals(List.of("CONFIG_LOCALVERSION=\"" + id.localVersion() + "\"",
                "# CONFIG_LOCALVERSION_AUTO is not set", "X=y"), baked);
        assertEquals(baked, id.bakedInto(baked));
        assertEquals(List.of("X=y", "CONFIG_LOCALVERSION=\"" + id.localVersion() + "\"",
                "# CONFIG_LOCALVERSION_AUTO is not set"), id.bakedInto(List.of("X=y")));
    }

    @Test
    void readablePartsKeepReleaseCharactersOnly() {
        assertEquals("origin-master", BuildIdentity.readableOf("origin/master"));
        assertEquals("HEAD-2", BuildIdentity.readableOf("HEAD~2"));
        assertEquals(40, BuildIdentity.readableOf("x".repeat(60)).length());
        assertEquals("series-20240101120000.1234-1-dev",
                BuildIdentity.readableOfSeries("<20240101120000.1234-1-dev@example.org>"));
    }

    @Test
    void aNameAndALocalVersionReadBackIntoTheirParts() {
        assertEquals(java.util.Optional.of(new BuildIdentity("v6.1.150-rc1", "3fa2b1c0")),
                BuildIdentity.ofName("v6.1.150-rc1-3fa2b1c0"));
        assertEquals(BuildIdentity.ofName("v6.1.150-3fa2b1c0"), BuildIdentity.ofLocalVersion("-v6.1.150-3fa2b1c0"));
        assertTrue(BuildIdentity.ofName("v6.1.150").isEmpty());
        assertTrue(BuildIdentity.ofName("-3fa2b1c0").isEmpty());
        assertTrue(BuildIdentity.ofLocalVersion("v6.1.150-3fa2b1c0").isEmpty(), "a localversion starts with '-'");
        assertTrue(BuildIdentity.ofLocalVersion("-debug").isEmpty());
    }
}
