package kimg.vm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.vm.VirtiofsdCommand.Flavour;
import kimg.vm.VirtiofsdCommand.Virtiofsd;

/** Finds a virtiofsd and tells which flavour it is. */
public final class VirtiofsdLocator {
    /** Where distributions put the daemon when it is not on PATH (Fedora's libexec, Debian 12's QEMU dir). */
    public static final List<Path> WELL_KNOWN =
            List.of(Path.of("/usr/libexec/virtiofsd"), Path.of("/usr/lib/qemu/virtiofsd"));

    private VirtiofsdLocator() {}

    /** Candidates in order: every {@code virtiofsd} on PATH, then the well-known places. */
    public static List<Path> candidates(String pathVariable) {
        var out = new ArrayList<Path>();
        if (pathVariable != null) {
            for (String dir : pathVariable.split(":")) {
                if (!dir.isEmpty()) {
                    out.add(Path.of(dir, "virtiofsd"));
                }
            }
        }
        out.addAll(WELL_KNOWN);
        return out;
    }

    /** The first candidate, and its flavour (asked with --version once per binary, cached under cacheRoot). */
    public static Virtiofsd locate(Exec exec, Path cacheRoot) {
        for (Path candidate : candidates(System.getenv("PATH"))) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                String flavour = BinaryStamp.cachedAnswer(cacheRoot, "virtiofsd-flavour", candidate,
                        () -> flavourOf(exec, candidate).name());
                try {
                    return new Virtiofsd(candidate, Flavour.valueOf(flavour.strip()));
                } catch (IllegalArgumentException e) {
                    return new Virtiofsd(candidate, flavourOf(exec, candidate));
                }
            }
        }
        throw StepFailed.because("virtiofsd", "no virtiofsd found on PATH or in " + WELL_KNOWN
                + " (Debian 12: apt install qemu-system-common; elsewhere the virtiofsd package)");
    }

    private static Flavour flavourOf(Exec exec, Path binary) {
        try {
            String out = exec.capture("virtiofsd-version", Cmd.of(binary.toString(), "--version")).text();
            return Flavour.fromOutput(out);
        } catch (StepFailed e) {
            // A daemon that cannot even print its version: judge by where it lives.
            return binary.startsWith("/usr/lib/qemu") ? Flavour.C : Flavour.RUST;
        }
    }
}
