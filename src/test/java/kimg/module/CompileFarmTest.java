package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    static final CompileFarm ICECREAM = CompileFarm.icecream(24);

    @Test
    void icecreamTakesItsJobsOrFourPerLocalCpu() {
        assertEquals(24, ICECREAM.jobs());
        assertEquals(16, CompileFarm.icecreamJobs("icecream/16", 2));
        assertEquals(8, CompileFarm.icecreamJobs("icecream", 2));
        assertEquals(0, CompileFarm.icecreamJobs("distcc:h", 2));
        assertNull(CompileFarm.parse("icecream"));
    }

    @Test
    void icecreamPutsIceccInFrontOfCcOrIsCcachesPrefix() {
        List<String> vars = ICECREAM.makeVariables(MakeCommands.variables(Map.of(), false, Architecture.X86_64,
                Architecture.X86_64), false);
        golden("icecream-make-variables", vars);
        assertEquals(Map.of(), ICECREAM.environment(false), "icecc needs no environment of its own");
        List<String> plain = MakeCommands.variables(Map.of(), true, Architecture.X86_64, Architecture.X86_64);
        assertEquals(plain, ICECREAM.makeVariables(plain, true));
        golden("icecream-ccache-environment", env(ICECREAM.environment(true)));
        golden("icecream-script-environment", env(ICECREAM.scriptEnvironment(Map.of("CC", "gcc-12"), false)));
        golden("icecream-cross-make-variables", ICECREAM.makeVariables(MakeCommands.variables(Map.of(), false,
                Architecture.ARM64, Architecture.X86_64), false));
    }

    @Test
    void aMissingIceccIsNamedWithItsPackage() {
        assertEquals(new kimg.host.HostTools.Tool("icecc", "icecc", List.of("icecc")), ICECREAM.tool());
        String line = kimg.host.HostTools.missingLine("compile farm", List.of(ICECREAM.tool()));
        assertTrue(line.contains("icecc") && line.contains("apt-get install icecc"), line);
    }

    @Test
    void icecreamWithDistccHostsIsAConfigError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        var config = kimg.config.Config.ofValues(dir, Map.of("CompileFarm", List.of("icecream", "distcc:h")));
        var e = org.junit.jupiter.api.Assertions.assertThrows(kimg.config.ConfigError.class,
                () -> CompileFarm.of(config));
        assertTrue(e.getMessage().contains("CompileFarm") && e.getMessage().contains("alone"), e.getMessage());
        var alone = kimg.config.Config.ofValues(dir, Map.of("CompileFarm", List.of("icecream/12")));
        assertEquals(CompileFarm.icecream(12), CompileFarm.of(alone).orElseThrow());
    }

    @Test
    void aHostScriptCompilesWithDistccCc() {
        golden("script-environment", env(FARM.scriptEnvironment(Map.of("CC", "gcc-12"), false)));
    }
}
