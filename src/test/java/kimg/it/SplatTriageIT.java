package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import kimg.RunExitStatus;
import kimg.cli.ExitCode;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.GuestRun;
import kimg.vm.SplatKind;
import kimg.vm.SplatTriage;
import kimg.vm.VmRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lkdtm (the kernel's own fault injector) provokes real splats in a real guest; the run must fail with the splat's
 * code although the command exited 0, and print and save a trace decoded to drivers/misc/lkdtm/bugs.c:LINE. One
 * boot per case (TCG). The kernel is {@link SplatKernelFixture}'s: the shared one lacks CONFIG_BUG and KALLSYMS.
 */
class SplatTriageIT {
    static KernelArtifacts kernel;
    static ImageArtifacts image;

    @TempDir
    Path project;

    @BeforeAll
    static void fixtures() {
        kernel = SplatKernelFixture.built();
        image = RootfsFixture.built();
    }

    @Test
    void aWarningFailsTheRunUnlessAllowedAndIsDecoded() throws IOException {
        Provoked p = provoke("WARNING");
        assertEquals(0, p.run.commandStatus(), p.console);
        assertEquals(ExitCode.KERNEL_SPLAT.code, RunExitStatus.of(p.run, false), p.console);
        assertEquals(0, RunExitStatus.of(p.run, true), "--allow-warn keeps a WARNING non-fatal");
        assertDecoded(p, SplatKind.WARNING, "lkdtm_WARNING");
    }

    @Test
    void aBugIsAnOopsSplat() throws IOException {
        Provoked p = provoke("BUG");
        assertEquals(ExitCode.KERNEL_SPLAT.code, RunExitStatus.of(p.run, true), p.console);
        assertDecoded(p, SplatKind.BUG, "lkdtm_BUG");
    }

    @Test
    void aPanicHasItsOwnCode() throws IOException {
        Provoked p = provoke("PANIC");
        assertEquals(null, p.run.commandStatus(), p.console);
        assertEquals(ExitCode.KERNEL_PANIC.code, RunExitStatus.of(p.run, true), p.console);
        assertDecoded(p, SplatKind.PANIC, "lkdtm_PANIC");
    }

    private static void assertDecoded(Provoked p, SplatKind kind, String function) throws IOException {
        SplatTriage.Triaged first = p.run.triaged().get(0);
        assertEquals(kind, first.splat().kind(), p.console);
        // addr2line may add "(discriminator N)" inside the parentheses.
        Pattern frame = Pattern.compile(function + " \\(drivers/misc/lkdtm/bugs\\.c:\\d+");
        assertTrue(frame.matcher(p.console).find(), "decoded trace printed:\n" + p.console);
        assertTrue(frame.matcher(Files.readString(first.file())).find(), "decoded trace saved in " + first.file());
        assertTrue(Pattern.compile("^kernel " + Pattern.quote(kind.label) + " in " + function
                + " at drivers/misc/lkdtm/bugs\\.c:\\d+").matcher(first.summary()).find(), first.summary());
        System.err.println("summary: " + first.summary());
    }

    record Provoked(GuestRun run, String console) {}

    private Provoked provoke(String what) {
        var out = new ByteArrayOutputStream();
        Config config = config();
        // The command of the issue, as a user types it after kimg run --.
        GuestRun run = VmRunner.run(config, exec(), BootInputs.from(config, kernel, image), List.of("sh", "-c",
                "mount -t debugfs none /sys/kernel/debug; modprobe lkdtm; echo " + what
                        + " > /sys/kernel/debug/provoke-crash/DIRECT"),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return new Provoked(run, out.toString(StandardCharsets.UTF_8));
    }

    private Config config() {
        // The kernel's build directory shared read-only: the guest binds its modules onto /usr/lib/modules.
        Path buildDirectory = kernel.modulesRoot().getParent().getParent().getParent();
        var values = new LinkedHashMap<String, List<String>>(Map.of(
                "BuildDirectory", List.of(buildDirectory.toString()),
                "BuildSources", List.of(kernel.sourceTree() + ":kernel"),
                "RuntimeBuildSources", List.of("true")));
        values.put("RAM", List.of("512M"));
        return Config.ofValues(project, values);
    }

    private Exec exec() {
        return new Exec(StepLogs.under(project.resolve("logs")), Console.plain(System.err));
    }
}
