package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.GuestRun;
import kimg.vm.VmRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SELFTESTS=1 builds the kernel's selftests with it; the guest runs them with `kselftest TARGET`. The kernel is the
 * splat ITs' small one (its own build directory, so the shared fixture's stays as it is).
 */
class SelftestsIT {
    @TempDir
    Path project;

    @Test
    void aMissingTargetStopsTheBuildBeforeAnythingBuilds() throws IOException {
        Path tree = KernelFixture.sourceTree();
        Files.copy(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"), project.resolve("mkosi.kernel.config"));
        ItProject.empty().build("BuildSources=" + tree + ":kernel",
                "Environment=SELFTESTS=1 \"SELFTESTS_TARGETS=size nosuchtarget\"").write(project);
        KimgCli r = KimgCli.run(project, "build");
        assertEquals(2, r.status(), r.toString());
        assertTrue(r.err().contains("no selftests target 'nosuchtarget'") && r.err().contains("mkosi.conf:3"),
                r.toString());
        assertTrue(!Files.exists(project.resolve("mkosi.builddir")), "nothing was built");
    }

    @Test
    void sizeBuildsAndRunsInTheGuest() {
        KernelArtifacts kernel = SplatKernelFixture.build(List.of("SELFTESTS=1", "SELFTESTS_TARGETS=size"));
        assertTrue(Files.isExecutable(kernel.buildDir().resolve("selftests/size/get_size")), "installed");
        ImageArtifacts image = RootfsFixture.built();
        Config config = ItProject.empty().sharingBuildOf(kernel).runtime("RAM=512M").config(project);
        var out = new ByteArrayOutputStream();
        GuestRun run = VmRunner.run(config, new Exec(StepLogs.under(project.resolve("logs")), Console.plain(System.err)),
                BootInputs.from(config, kernel, image), List.of("kselftest", "size"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, run.commandStatusOrFail(), console);
        assertTrue(console.lines().anyMatch(l -> l.startsWith("ok 1 selftests: size: get_size")), console);
    }
}
