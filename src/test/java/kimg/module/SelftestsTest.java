package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.Config;
import kimg.config.ConfigError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SELFTESTS=, SELFTESTS_TARGETS=, SELFTESTS_SKIP_TARGETS= (mkosi-kernel's contract) and the make line they give. */
class SelftestsTest {
    @TempDir
    Path tree;

    @TempDir
    Path project;

    private Config config(String... environment) {
        return Config.ofValues(project, Map.of("Environment", List.of(environment)));
    }

    private void target(String name) throws IOException {
        Path dir = Files.createDirectories(tree.resolve("tools/testing/selftests").resolve(name));
        Files.writeString(dir.resolve("Makefile"), "TEST_GEN_PROGS := t\n");
    }

    @Test
    void nothingUnlessSelftestsIsOne() throws IOException {
        target("size");
        assertEquals(Optional.empty(), Selftests.of(config("SELFTESTS_TARGETS=size"), tree));
        assertEquals(Optional.empty(), Selftests.of(config("SELFTESTS=0", "SELFTESTS_TARGETS=size"), tree));
        assertTrue(Selftests.of(config("SELFTESTS=1"), tree).isPresent());
        assertTrue(Selftests.of(config("SELFTESTS=yes"), tree).isPresent());
    }

    @Test
    void targetsAndSkipTargetsAreTheSuitesDirectories() throws IOException {
        target("size");
        target("filesystems/epoll");
        target("bpf");
        Selftests s = Selftests.of(config("SELFTESTS=1", "SELFTESTS_TARGETS=size  filesystems/epoll",
                "SELFTESTS_SKIP_TARGETS=bpf"), tree).orElseThrow();
        assertEquals(List.of("size", "filesystems/epoll"), s.targets());
        assertEquals(Optional.of(List.of("bpf")), s.skipTargets());
    }

    @Test
    void anEmptySkipListSkipsNothingAndAnUnsetOneKeepsTheSuitesDefault() throws IOException {
        assertEquals(Optional.of(List.of()), Selftests.of(config("SELFTESTS=1", "SELFTESTS_SKIP_TARGETS="), tree)
                .orElseThrow().skipTargets());
        assertEquals(Optional.empty(), Selftests.of(config("SELFTESTS=1"), tree).orElseThrow().skipTargets());
    }

    @Test
    void aMissingTargetIsAConfigErrorNamingIt() throws IOException {
        target("size");
        ConfigError e = assertThrows(ConfigError.class,
                () -> Selftests.of(config("SELFTESTS=1", "SELFTESTS_TARGETS=size sise"), tree));
        assertTrue(e.getMessage().contains("no selftests target 'sise'"), e.getMessage());
    }

    @Test
    void aNameMakeWouldExpandOrThatLeavesTheSuiteIsRefused() {
        for (String bad : List.of("$(shell:true)", "../../../usr", "-j1", "a;b")) {
            ConfigError e = assertThrows(ConfigError.class,
                    () -> Selftests.of(config("SELFTESTS=1", "SELFTESTS_TARGETS=" + bad), tree), bad);
            assertTrue(e.getMessage().contains("is not a selftests target name"), e.getMessage());
        }
    }

    @Test
    void theKernelsOwnInstallTarget() throws IOException {
        target("size");
        target("exec");
        Selftests s = Selftests.of(config("SELFTESTS=1", "SELFTESTS_TARGETS=size exec", "SELFTESTS_SKIP_TARGETS="),
                tree).orElseThrow();
        MakeCommandsTest.golden("selftests-install", MakeCommandsTest.commands(Map.of()).selftestsInstall(s));
    }
}
