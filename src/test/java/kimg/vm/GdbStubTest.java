package kimg.vm;

import static kimg.vm.VmFixtures.config;
import static kimg.vm.VmFixtures.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import kimg.config.ConfigError;
import org.junit.jupiter.api.Test;

class GdbStubTest {
    @Test
    void dashSBecomesAStubOnLoopbackAtGdbPort() {
        GdbStub g = GdbStub.from(config(values(Map.entry("QemuArgs", List.of("-s")),
                Map.entry("GdbPort", List.of("4321")))));
        assertEquals(List.of("-gdb", "tcp:127.0.0.1:4321"), g.qemuArgs());
        assertFalse(String.join(" ", g.qemuArgs()).contains("0.0.0.0"));
        assertEquals(List.of(), g.otherArgs());
    }

    @Test
    void defaultPortIs1234AndCapitalSStopsTheCpus() {
        GdbStub g = GdbStub.from(config(values(Map.entry("QemuArgs", List.of("-s", "-S")))));
        assertEquals(List.of("-gdb", "tcp:127.0.0.1:1234", "-S"), g.qemuArgs());
        assertTrue(g.stopped());
    }

    @Test
    void otherQemuArgsPassThroughInOrder() {
        GdbStub g = GdbStub.from(config(values(Map.entry("QemuArgs", List.of("-device", "x", "-s", "-snapshot")))));
        assertEquals(List.of("-device", "x", "-snapshot"), g.otherArgs());
    }

    @Test
    void aGdbStubOnEveryAddressIsRefused() {
        for (String device : List.of("tcp::1234", "tcp:0.0.0.0:1234")) {
            var c = config(values(Map.entry("QemuArgs", List.of("-gdb", device))));
            var e = assertThrows(ConfigError.class, () -> GdbStub.from(c));
            assertEquals("QemuArgs", e.setting());
        }
        assertEquals(List.of("-gdb", "tcp:127.0.0.1:9"),
                GdbStub.from(config(values(Map.entry("QemuArgs", List.of("-gdb", "tcp:127.0.0.1:9"))))).otherArgs());
    }

    @Test
    void noStubWithoutDashS() {
        GdbStub g = GdbStub.from(config(Map.of()));
        assertFalse(g.enabled());
        assertEquals(List.of(), g.qemuArgs());
    }

    @Test
    void attachHintNamesKimgGdbAndTheAddress() {
        GdbStub g = GdbStub.from(config(values(Map.entry("QemuArgs", List.of("-s")))));
        String hint = g.attachHint("gdb", BootInputs.from(config(Map.of()), VmFixtures.kernel(), VmFixtures.image()));
        assertTrue(hint.contains("127.0.0.1:1234") && hint.contains("kimg gdb") && hint.contains("substitute-path"),
                hint);
    }
}
