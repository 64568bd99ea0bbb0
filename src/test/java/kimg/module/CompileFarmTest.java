package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kimg.Golden;
import kimg.config.Architecture;
import org.junit.jupiter.api.Test;

/** CompileFarm=: parsing, -j, and the make variables and environment as goldens (module/farm/). */
class CompileFarmTest {
    static final CompileFarm FARM = new CompileFarm(List.of(CompileFarm.parse("distcc:127.0.0.1:3633/2"),
            CompileFarm.parse("distcc:build1.lan/8"), CompileFarm.parse("distcc:build2")));

    static void golden(String name, List<String> lines) {
        Golden.assertArgv("module/farm/" + name + ".argv", lines);
    }

    static List<String> env(Map<String, String> env) {
        var out = new ArrayList<String>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }

    @Test
    void hostsParseWithPortAndLimitAndJobsAreTheirSum() {
        assertEquals(new CompileFarm.Host("127.0.0.1", 3633, 2), FARM.hosts().get(0));
        assertEquals(new CompileFarm.Host("build2", 0, CompileFarm.DEFAULT_LIMIT), FARM.hosts().get(2));
        assertEquals(14, FARM.jobs());
        assertNull(CompileFarm.parse("distcc:-oops"));
        assertNull(CompileFarm.parse("icecc:host"));
        assertNull(CompileFarm.parse("distcc:h/0"));
    }

    @Test
    void kernelMakeGetsDistccInFrontOfCcOnlyHostccStaysLocal() {
        List<String> vars = FARM.makeVariables(MakeCommands.variables(Map.of(), false, Architecture.X86_64,
                Architecture.X86_64), false);
        golden("make-variables", vars);
        golden("make-environment", env(FARM.environment(false)));
    }

    @Test
    void withCcacheTheFarmIsCcachesPrefix() {
        List<String> plain = MakeCommands.variables(Map.of(), true, Architecture.X86_64, Architecture.X86_64);
        assertEquals(plain, FARM.makeVariables(plain, true));
        golden("ccache-environment", env(FARM.environment(true)));
    }

    @Test
    void aHostScriptCompilesWithDistccCc() {
        golden("script-environment", env(FARM.scriptEnvironment(Map.of("CC", "gcc-12"), false)));
    }
}
