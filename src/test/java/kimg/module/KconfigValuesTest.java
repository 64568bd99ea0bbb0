package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class KconfigValuesTest {
    @Test
    void parsesSetAndNotSetLines() {
        var v = KconfigValues.parse(List.of("# a comment", "CONFIG_A=y", "# CONFIG_B is not set", "CONFIG_C=m",
                "CONFIG_S=\"x\"", "CONFIG_A=m", "  CONFIG_D=n  "));
        assertEquals("m", v.valueOf("CONFIG_A"));
        assertEquals("n", v.valueOf("CONFIG_B"));
        assertEquals("m", v.valueOf("CONFIG_C"));
        assertEquals("\"x\"", v.valueOf("CONFIG_S"));
        assertEquals("n", v.valueOf("CONFIG_D"));
        assertEquals("n", v.valueOf("CONFIG_ABSENT"));
    }

    @Test
    void droppedNamesEverySymbolTheFinalConfigLacks() {
        var wanted = KconfigValues.parse(List.of("CONFIG_A=y", "CONFIG_B=m", "# CONFIG_C is not set", "CONFIG_D=y"));
        var actual = KconfigValues.parse(List.of("CONFIG_A=y", "CONFIG_B=y", "CONFIG_C=y"));
        assertEquals(List.of("CONFIG_B=m (got: y)", "CONFIG_C=n (got: y)", "CONFIG_D=y (got: not set)"),
                wanted.droppedFrom(actual));
    }

    @Test
    void notSetIsSatisfiedByAbsenceAndEmptyStringsByEither() {
        var wanted = KconfigValues.parse(List.of("# CONFIG_C is not set", "CONFIG_LOCALVERSION=\"\""));
        assertEquals(List.of(), wanted.droppedFrom(KconfigValues.parse(List.of())));
    }

    @Test
    void toolchainSymbolsAreNotReported() {
        var wanted = KconfigValues.parse(List.of("CONFIG_CC_VERSION_TEXT=\"gcc 10\"", "CONFIG_GCC_VERSION=100000",
                "CONFIG_AS_IS_GNU=y", "CONFIG_PAHOLE_VERSION=121"));
        var actual = KconfigValues.parse(List.of("CONFIG_CC_VERSION_TEXT=\"gcc 12\"", "CONFIG_GCC_VERSION=120200"));
        assertEquals(List.of(), wanted.droppedFrom(actual));
    }

    @Test
    void laterFragmentsWin() {
        var merged = KconfigValues.parse(List.of("CONFIG_A=y", "CONFIG_B=y"))
                .then(KconfigValues.parse(List.of("# CONFIG_A is not set")));
        assertEquals("n", merged.valueOf("CONFIG_A"));
        assertEquals("y", merged.valueOf("CONFIG_B"));
    }
}
