package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ITs' mkosi.conf writer: the text layout the ITs had as literals, and the section rule. */
class ItProjectTest {
    @Test
    void sectionsInTheOrderNamedSeparatedByABlankLine() {
        assertEquals("""
                [Distribution]
                Distribution=debian
                Release=bookworm
                Architecture=arm64

                [Output]
                Format=directory

                [Build]
                CacheDirectory=/c
                """, ItProject.debian("Architecture=arm64").output("directory").build("CacheDirectory=/c").text());
    }

    @Test
    void linesForTheLastSectionMergeAndAnotherSectionOpensANewHeader() {
        ItProject p = ItProject.empty().include("modules/a", "modules/b").build("BuildDirectory=/b")
                .then(ItProject.empty().output("none").build("BuildSources=s:a")).build("BuildSources=t:b");
        assertEquals("""
                [Config]
                Include=modules/a
                Include=modules/b

                [Build]
                BuildDirectory=/b

                [Output]
                Format=none

                [Build]
                BuildSources=s:a
                BuildSources=t:b
                """, p.text());
        assertEquals(Map.of("Include", List.of("modules/a", "modules/b"), "BuildDirectory", List.of("/b"),
                "Format", List.of("none"), "BuildSources", List.of("s:a", "t:b")), p.values());
    }
}
