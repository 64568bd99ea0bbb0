package kimg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import kimg.cli.ExitCode;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.vm.GuestRun;
import kimg.vm.Splat;
import kimg.vm.SplatKind;
import org.junit.jupiter.api.Test;

/** kimg run's exit status: panic, then a failing splat, then the timeout, then the command's own status. */
class RunExitStatusTest {
    static GuestRun run(Integer status, boolean timedOut, SplatKind... kinds) {
        List<Splat> splats = java.util.Arrays.stream(kinds).map(k -> new Splat(k, k.label, List.of(k.label))).toList();
        return new GuestRun(status, splats, List.of(), timedOut,
                new Exec.Result(0, Path.of("/logs/03-qemu.log"), Duration.ZERO, List.of()), List.of("last line"));
    }

    @Test
    void aQuietKernelGivesTheCommandsStatus() {
        assertEquals(0, RunExitStatus.of(run(0, false), false));
        assertEquals(3, RunExitStatus.of(run(3, false), false));
    }

    @Test
    void aWarningFailsACommandThatExitedZeroUnlessWarningsAreAllowed() {
        assertEquals(ExitCode.KERNEL_SPLAT.code, RunExitStatus.of(run(0, false, SplatKind.WARNING), false));
        assertEquals(0, RunExitStatus.of(run(0, false, SplatKind.WARNING), true));
    }

    @Test
    void severeSplatsFailEvenWithWarningsAllowed() {
        for (SplatKind k : SplatKind.values()) {
            if (k != SplatKind.WARNING && k != SplatKind.PANIC) {
                assertEquals(ExitCode.KERNEL_SPLAT.code, RunExitStatus.of(run(0, false, k), true), k.name());
            }
        }
    }

    @Test
    void aPanicWinsOverTheSplatThatLedToIt() {
        assertEquals(ExitCode.KERNEL_PANIC.code, RunExitStatus.of(run(null, false, SplatKind.OOPS, SplatKind.PANIC),
                false));
    }

    @Test
    void aSplatWinsOverTheTimeoutItProbablyCaused() {
        assertEquals(ExitCode.KERNEL_SPLAT.code, RunExitStatus.of(run(null, true, SplatKind.HUNG_TASK), false));
        assertEquals(ExitCode.TIMEOUT.code, RunExitStatus.of(run(null, true), false));
    }

    @Test
    void theCodesAreDistinctFromKimgsOwn() {
        var codes = java.util.Arrays.stream(ExitCode.values()).map(c -> c.code).distinct().count();
        assertEquals(ExitCode.values().length, codes);
    }

    @Test
    void aGuestThatStoppedForNoKnownReasonIsAFailedStep() {
        StepFailed e = assertThrows(StepFailed.class, () -> RunExitStatus.of(run(null, false), false));
        assertEquals("last line", e.lastLines().get(1));
    }
}
