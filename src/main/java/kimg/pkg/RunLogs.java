package kimg.pkg;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs.StepRecord;

/**
 * The run's log directory as the packaging systems kimg follows lay it out: the per-step logs that {@link Exec}
 * wrote are gathered by kind into kernel-compilation.log, rpm-build.log, deb-build.log and signing.log, and
 * report-summary.log holds the durations, the host and the tool versions. The terminal gets one line.
 */
public final class RunLogs {
    private RunLogs() {}

    /** The gathered log a step belongs to (by its position for the kernel build, by its name otherwise). */
    static String kind(String step, boolean kernelBuild) {
        if (kernelBuild) {
            return "kernel-compilation.log";
        }
        if (step.startsWith("signing-")) {
            return "signing.log";
        }
        if (step.startsWith("rpm-")) {
            return "rpm-build.log";
        }
        if (step.startsWith("deb-") || step.startsWith("kmod-") || step.startsWith("package-")) {
            return step.startsWith("deb-") ? "deb-build.log" : "package-build.log";
        }
        return "package-build.log";
    }

    /** The durations by gathered log, in first-seen order. */
    static Map<String, Duration> durations(List<StepRecord> records, int kernelFrom, int kernelTo) {
        var d = new LinkedHashMap<String, Duration>();
        for (int i = 0; i < records.size(); i++) {
            StepRecord r = records.get(i);
            d.merge(kind(r.step(), i >= kernelFrom && i < kernelTo), r.duration(), Duration::plus);
        }
        return d;
    }

    /** The one line the terminal gets (and report-summary.log starts with). */
    static String summaryLine(PackageRun.Packages p, Duration total, Map<String, Duration> durations) {
        var parts = new ArrayList<String>();
        durations.forEach((k, v) -> parts.add(k.replace(".log", "") + " " + seconds(v)));
        return "packaged " + p.kernel().release() + ": " + p.rpms().size() + " rpm, " + p.debs().size() + " deb"
                + (p.debs().isEmpty() || p.repository() ? "" : UNSIGNED_DEBS)
                + p.key().map(k -> ", signed by " + k.keyId()).orElse("") + " in " + seconds(total) + " ("
                + String.join(", ", parts) + ")";
    }

    /** What the summary says of DEBs outside a repository: no .deb carries a signature, apt checks the Release. */
    static final String UNSIGNED_DEBS = " (unsigned: Debian signs the apt repository, PackageRepository=yes)";

    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    public static void write(Exec exec, PackageRun.Packages p, Duration total, PrintStream out) {
        List<StepRecord> records = exec.logs().records();
        Path dir = exec.logs().dir();
        var versions = new LinkedHashMap<String, String>();
        versions.put("gcc", p.kernel().compiler());
        versions.put("pahole", version(exec, "pahole", "--version"));
        if (!p.rpms().isEmpty()) {
            versions.put("rpm", version(exec, "rpm", "--version"));
            versions.put("rpmbuild", version(exec, "rpmbuild", "--version"));
        }
        if (!p.debs().isEmpty()) {
            versions.put("dpkg-deb", version(exec, "dpkg-deb", "--version"));
        }
        try {
            for (int i = 0; i < records.size(); i++) {
                StepRecord r = records.get(i);
                if (r.log() == null || !Files.isRegularFile(r.log())) {
                    continue;
                }
                Path gathered = privateFile(dir.resolve(kind(r.step(), i >= p.kernelFrom() && i < p.kernelTo())));
                Files.writeString(gathered, "==> " + r.log().getFileName() + " (exit " + r.exitStatus() + ", "
                        + seconds(r.duration()) + ")\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                Files.write(gathered, Files.readAllBytes(r.log()), StandardOpenOption.APPEND);
            }
            Map<String, Duration> durations = durations(records, p.kernelFrom(), p.kernelTo());
            String line = summaryLine(p, total, durations);
            Files.writeString(privateFile(dir.resolve("report-summary.log")), report(line, p, records, versions));
            exec.console().info(line);
            exec.console().info("packages: " + p.rpms().stream().findFirst().or(() -> p.debs().stream().findFirst())
                    .map(Path::getParent).map(Path::getParent).orElse(dir) + "; logs: " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code file}, created readable by its owner only as every step log is (StepLogs): the gathered logs hold the
     * same build output. An older kimg's 0644 file is made 0600.
     */
    static Path privateFile(Path file) throws IOException {
        var mode = PosixFilePermissions.fromString("rw-------");
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(mode));
        }
        Files.setPosixFilePermissions(file, mode);
        return file;
    }

    private static String report(String line, PackageRun.Packages p, List<StepRecord> records,
            Map<String, String> versions) {
        var s = new StringBuilder(line).append("\n\n[steps]\n");
        for (StepRecord r : records) {
            s.append(String.format(java.util.Locale.ROOT, "%-36s exit=%-3d %8s%n", r.step(), r.exitStatus(),
                    seconds(r.duration())));
        }
        s.append("\n[host]\n");
        s.append("cpu: ").append(Runtime.getRuntime().availableProcessors()).append(" x ").append(cpuModel()).append('\n');
        s.append("memory: ").append(memTotal()).append('\n');
        s.append("kernel: ").append(read("/proc/sys/kernel/osrelease")).append('\n');
        s.append("\n[versions]\n");
        versions.forEach((k, v) -> s.append(k).append(": ").append(v).append('\n'));
        s.append("\n[packages]\n");
        p.rpms().forEach(f -> s.append(f).append('\n'));
        p.debs().forEach(f -> s.append(f).append('\n'));
        return s.toString();
    }

    private static String version(Exec exec, String... argv) {
        try {
            return exec.capture("report-version-" + argv[0], Cmd.of(argv)).output().stream().filter(l -> !l.isBlank())
                    .findFirst().orElse("unavailable").strip();
        } catch (RuntimeException e) {
            return "unavailable";
        }
    }

    private static String cpuModel() {
        for (String l : read("/proc/cpuinfo").split("\n")) {
            if (l.startsWith("model name")) {
                return l.substring(l.indexOf(':') + 1).strip();
            }
        }
        return "unknown";
    }

    private static String memTotal() {
        for (String l : read("/proc/meminfo").split("\n")) {
            if (l.startsWith("MemTotal:")) {
                return l.substring("MemTotal:".length()).strip();
            }
        }
        return "unknown";
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
