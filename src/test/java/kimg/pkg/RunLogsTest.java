package kimg.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run's gathered logs and its one-line summary, written for real from steps that ran. */
class RunLogsTest {
    @TempDir
    Path dir;

    private static KernelArtifacts kernel(Path b) {
        return new KernelArtifacts("6.1.192", "", b, b, b.resolve("bzImage"), b.resolve("vmlinux"),
                b.resolve("System.map"), b, b, b, b, "hash", "gcc (Debian 12.2.0-14) 12.2.0", Map.of());
    }

    private static PackageRun.Packages packages(Path b, List<Path> rpms, List<Path> debs, Optional<SigningKey> key,
            boolean repository) {
        return new PackageRun.Packages(kernel(b), rpms, debs, key, repository, 0, 1);
    }

    /** README: every log is 0600 (they hold the build's output); the gathered ones are no exception. */
    @Test
    void theGatheredLogsAndTheReportAreTheOwnersOnly() throws Exception {
        var terminal = new ByteArrayOutputStream();
        Exec exec = new Exec(StepLogs.under(dir.resolve("logs")),
                Console.plain(new PrintStream(terminal, true, StandardCharsets.UTF_8)));
        exec.run("make", Cmd.of("true"));
        exec.run("deb-build-image", Cmd.of("true"));
        exec.run("signing-rpm", Cmd.of("true"));
        Path deb = dir.resolve("packages/deb/linux-image-6.1.192_6.1.192-1_amd64.deb");
        RunLogs.write(exec, packages(dir, List.of(), List.of(deb), Optional.empty(), false), Duration.ofSeconds(3),
                System.out);
        for (String log : List.of("kernel-compilation.log", "deb-build.log", "signing.log", "report-summary.log")) {
            Path p = exec.logs().dir().resolve(log);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), log);
        }
        String summary = Files.readString(exec.logs().dir().resolve("report-summary.log")).lines().findFirst()
                .orElseThrow();
        assertTrue(terminal.toString(StandardCharsets.UTF_8).contains(summary), terminal::toString);
    }

    /** A .deb carries no signature (Debian signs the apt repository): the summary says so and names no key. */
    @Test
    void theSummarySaysWhatWasSigned() {
        var key = Optional.of(new SigningKey(dir, "7DB2D41A", true, dir.resolve("signing-key.asc")));
        List<Path> rpms = List.of(dir.resolve("a.rpm"));
        List<Path> debs = List.of(dir.resolve("a.deb"), dir.resolve("b.deb"));
        Map<String, Duration> d = Map.of("deb-build.log", Duration.ofSeconds(2));
        String debOnly = RunLogs.summaryLine(packages(dir, List.of(), debs, Optional.empty(), false),
                Duration.ofSeconds(5), d);
        assertEquals("packaged 6.1.192: 0 rpm, 2 deb (unsigned: Debian signs the apt repository, PackageRepository=yes)"
                + " in 5.0s (deb-build 2.0s)", debOnly);
        String both = RunLogs.summaryLine(packages(dir, rpms, debs, key, false), Duration.ofSeconds(5), d);
        assertTrue(both.startsWith("packaged 6.1.192: 1 rpm, 2 deb (unsigned: "), both);
        assertTrue(both.contains(", signed by 7DB2D41A in 5.0s"), both);
        String repo = RunLogs.summaryLine(packages(dir, List.of(), debs, key, true), Duration.ofSeconds(5), d);
        assertEquals("packaged 6.1.192: 0 rpm, 2 deb, signed by 7DB2D41A in 5.0s (deb-build 2.0s)", repo);
        assertFalse(repo.contains("unsigned"));
    }
}
