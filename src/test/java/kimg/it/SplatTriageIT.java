package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.Main;
import kimg.RunExitStatus;
import kimg.cli.ExitCode;
import kimg.config.Config;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.manifest.ManifestRecords;
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
 * code although the command exited 0, and print and save a trace decoded to drivers/misc/lkdtm/bugs.c:LINE; under
 * kimg qemu (a child kimg whose console the test types into) the trace is decoded while the session goes on. One
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

    /**
     * kimg qemu, driven as a user would through its console (the child's stdin is the guest's serial input): the
     * WARNING is named, decoded and saved while the session goes on, before the guest powers off. Without the live
     * watch the note only comes after QEMU exits, and the test times out waiting for it with the guest still up.
     */
    @Test
    void kimgQemuNamesASplatWhileTheSessionGoesOn() throws Exception {
        // The project as a user has it after a build: its mkosi.conf and the manifest naming what to boot.
        Files.writeString(project.resolve("mkosi.kernel.config"),
                Files.readString(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config")));
        settings().write(project);
        Config config = ConfigLoader.load(ConfigInput.of(project).forBoot());
        ManifestRecords.of(config, false, kernel, image, List.of(), List.of(), Optional.empty())
                .write(config.outputDirectory());

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process kimg = new ProcessBuilder(java, "-cp", classpath, Main.class.getName(), "-C", project.toString(),
                "qemu", "--no-build").directory(project.toFile()).redirectErrorStream(true).start();
        var output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (var in = new InputStreamReader(kimg.getInputStream(), StandardCharsets.UTF_8)) {
                char[] chunk = new char[4096];
                for (int n; (n = in.read(chunk)) > 0; ) {
                    output.append(chunk, 0, n);
                    System.err.print(new String(chunk, 0, n));
                }
            } catch (IOException e) {
                output.append("\n(reading kimg's output failed: ").append(e).append(")\n");
            }
        });
        reader.start();
        try (var typed = new PrintStream(kimg.getOutputStream(), true, StandardCharsets.UTF_8)) {
            // The shell comes up after the boot; typing ahead into a tty that is not open yet may be lost.
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (!output.toString().contains("kimg-ready-42")) {
                assertTrue(kimg.isAlive() && System.nanoTime() < deadline, () -> "no shell on the console:\n" + output);
                typed.print("echo kimg-ready-$((40+2))\n");
                typed.flush();
                awaitOutput(output, "kimg-ready-42", Duration.ofSeconds(5), false);
            }
            typed.print("mount -t debugfs none /sys/kernel/debug; modprobe lkdtm;"
                    + " echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT\n");
            typed.flush();
            Matcher note = awaitNote(output, Duration.ofMinutes(2));
            Path decoded = Path.of(note.group(2));
            assertTrue(Pattern.compile("lkdtm_WARNING \\(drivers/misc/lkdtm/bugs\\.c:\\d+")
                    .matcher(Files.readString(decoded)).find(), "decoded trace saved in " + decoded);
            assertTrue(decoded.startsWith(config.outputDirectory().resolve("logs")), decoded::toString);

            // The session goes on after the note; then the user leaves the shell and the guest powers off.
            typed.print("echo kimg-still-here-$((6*7))\n");
            typed.flush();
            awaitOutput(output, "kimg-still-here-42", Duration.ofSeconds(60), true);
            typed.print("exit\n");
            typed.flush();
            assertTrue(kimg.waitFor(2, TimeUnit.MINUTES), () -> "the guest did not power off:\n" + output);
            reader.join(10_000);
            assertEquals(0, kimg.exitValue(), output::toString);
            String all = output.toString();
            int noted = all.indexOf(note.group());
            int stillHere = all.indexOf("kimg-still-here-42");
            int powerDown = all.indexOf("reboot: Power down");
            assertTrue(noted >= 0 && stillHere > noted && powerDown > stillHere,
                    "note, the session going on, then the power-off, in that order:\n" + all);
            // And once more when the guest is gone, so it is not lost in a scrolled-away console.
            assertTrue(all.indexOf("warning: " + note.group(1), powerDown) > powerDown, all);
        } finally {
            if (kimg.isAlive()) {
                kimg.destroy(); // SIGTERM: kimg's shutdown hook takes QEMU and virtiofsd down with it
                if (!kimg.waitFor(30, TimeUnit.SECONDS)) {
                    kimg.destroyForcibly();
                }
            }
        }
    }

    /** kimg's live note of the WARNING (the summary as run prints it, and the decoded file). */
    private static final Pattern NOTE = Pattern.compile("kimg: splat: (kernel WARNING in lkdtm_WARNING at"
            + " drivers/misc/lkdtm/bugs\\.c:\\d+), decoded: (\\S+)\\r?\\n");

    /** The note, once its whole line is there; fails the test when it is not in time. */
    private static Matcher awaitNote(StringBuffer output, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Matcher m = NOTE.matcher(output.toString());
            if (m.find()) {
                return m;
            }
            assertTrue(System.nanoTime() < deadline, () -> "no live splat note:\n" + output);
            Thread.sleep(100);
        }
    }

    /** The output once it holds {@code text}; with {@code required}, fails the test when it does not in time. */
    private static String awaitOutput(StringBuffer output, String text, Duration timeout, boolean required)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output.toString().contains(text)) {
            if (System.nanoTime() > deadline) {
                assertTrue(!required, () -> "'" + text + "' never appeared:\n" + output);
                break;
            }
            Thread.sleep(100);
        }
        return output.toString();
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

    /** Every boot's settings: the kernel's build directory shared read-only (its modules are /usr/lib/modules). */
    private static ItProject settings() {
        return ItProject.empty().sharingBuildOf(kernel).runtime("RAM=512M");
    }

    private Config config() {
        return settings().config(project);
    }

    private Exec exec() {
        return new Exec(StepLogs.under(project.resolve("logs")), Console.plain(System.err));
    }
}
