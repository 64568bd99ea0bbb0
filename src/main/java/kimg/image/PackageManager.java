package kimg.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.FileTrees;
import kimg.host.HostTools;

/**
 * Runs the distribution's package manager to make a distribution tree: mmdebstrap for Debian and Ubuntu, dnf
 * --installroot for the rpm distributions. A failure names the missing package when the log says which one.
 */
final class PackageManager {
    private static final Pattern UNABLE_TO_LOCATE = Pattern.compile("Unable to locate package (\\S+)");
    private static final Pattern NO_CANDIDATE = Pattern.compile("Package '?([^' ]+)'? has no installation candidate");
    private static final Pattern DNF_NO_MATCH = Pattern.compile("No match for argument: (\\S+)");

    private PackageManager() {}

    /**
     * Installs {@code spec}'s packages into {@code work/root} ({@code work/dnf} holds dnf's configuration while it
     * runs and is gone afterwards).
     *
     * @throws StepFailed when the package manager fails, its first line saying why when the log tells
     */
    static void install(RootfsSpec spec, Path work, Exec exec, StepTimes times) throws IOException {
        Path root = work.resolve("root");
        boolean debian = RootfsSpec.isDebianLike(spec.distribution());
        String tool = debian ? "mmdebstrap" : "dnf";
        HostTools.ensure(tool, debian ? HostTools.DEBIAN_ROOTFS : List.of(HostTools.Tool.command("dnf", "dnf")), exec);
        Cmd cmd = (debian ? Cmd.of(MmdebstrapCommand.argv(spec, root)) : dnfCommand(spec, root, work.resolve("dnf")))
                .withEnv(spec.environment());
        String step = tool + (spec.purpose().equals("build") ? "-build-overlay" : "");
        if (debian) {
            exec.console().watch(step, new MmdebstrapProgress());
        }
        run(step, cmd, exec, times);
        FileTrees.deleteRecursively(work.resolve("dnf"));
    }

    private static Cmd dnfCommand(RootfsSpec spec, Path root, Path dnfConfig) throws IOException {
        Files.createDirectories(dnfConfig.resolve("repos.d"));
        Files.writeString(dnfConfig.resolve("dnf.conf"), DnfCommand.mainConfig());
        for (var f : DnfCommand.repoFiles(spec).entrySet()) {
            Files.writeString(dnfConfig.resolve("repos.d").resolve(f.getKey()), f.getValue());
        }
        Files.createDirectories(root);
        return Cmd.of(DnfCommand.argv(spec, root, dnfConfig));
    }

    private static void run(String step, Cmd cmd, Exec exec, StepTimes times) {
        try {
            times.timed(step, () -> exec.run(step, cmd));
        } catch (StepFailed failed) {
            String why = failed.log() == null ? null : diagnose(FileTrees.readOrEmpty(failed.log()));
            if (why == null) {
                throw failed;
            }
            var lines = new ArrayList<String>();
            lines.add(why);
            lines.addAll(failed.lastLines());
            throw new StepFailed(failed.step(), failed.log(), failed.exitStatus(), lines);
        }
    }

    /** The one line of a package manager's log that says what went wrong, or null. Pure. */
    static String diagnose(String log) {
        for (Pattern p : List.of(UNABLE_TO_LOCATE, NO_CANDIDATE, DNF_NO_MATCH)) {
            Matcher m = p.matcher(log);
            if (m.find()) {
                return "package not found: " + m.group(1);
            }
        }
        for (String line : log.split("\n")) {
            if (line.startsWith("E: ") || line.startsWith("Error: ")) {
                return line;
            }
        }
        return null;
    }
}
