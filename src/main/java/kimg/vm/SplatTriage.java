package kimg.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import kimg.exec.Cmd;
import kimg.exec.Exec;

/**
 * Decodes the splats of one boot with the kernel tree's decode_stacktrace.sh and saves each in the run's log
 * directory ({@code NN-splat-N-KIND.log}: the decoded report; {@code NN-splat-N-KIND-raw.log}: as printed).
 */
public final class SplatTriage {
    /** Only the first ones: a splat in a loop would otherwise run the decoder hundreds of times. */
    static final int MAX_DECODED = 8;

    /**
     * @param decoded the report with file:line on every frame (the raw lines when it could not be decoded)
     * @param file    where it was saved
     * @param summary one line naming it ({@link SplatSummary})
     */
    public record Triaged(Splat splat, List<String> decoded, Path file, String summary) {
        public Triaged {
            decoded = List.copyOf(decoded);
        }

        /** Whether decode_stacktrace.sh ran (else {@link #decoded} holds the report as printed). */
        public boolean wasDecoded() {
            return !decoded.equals(splat.lines());
        }
    }

    private SplatTriage() {}

    /** Decodes and saves the first {@value #MAX_DECODED} splats; never fails the run for a decoder problem. */
    public static List<Triaged> triage(List<Splat> splats, BootInputs inputs, Exec exec) {
        var out = new ArrayList<Triaged>();
        for (int i = 0; i < splats.size(); i++) {
            triage(splats.get(i), i + 1, inputs, exec).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Decodes and saves one splat as the {@code number}th of its boot (1-based; the file names count from it), as
     * soon as it ended (kimg qemu triages each one while the guest runs).
     *
     * @return empty past the first {@value #MAX_DECODED}
     */
    public static Optional<Triaged> triage(Splat splat, int number, BootInputs inputs, Exec exec) {
        if (number > MAX_DECODED) {
            return Optional.empty();
        }
        String name = "splat-" + number + "-" + splat.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        try {
            Path raw = exec.logs().newLog(name + "-raw");
            Files.write(raw, splat.lines());
            List<String> decoded = decode(splat, raw, inputs, exec, name);
            Path file = exec.logs().newLog(name);
            Files.write(file, decoded);
            return Optional.of(new Triaged(splat, decoded, file, SplatSummary.line(splat, decoded)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> decode(Splat splat, Path raw, BootInputs inputs, Exec exec, String name) {
        if (inputs.vmlinux() == null || inputs.kernelSource() == null || !Files.isRegularFile(inputs.vmlinux())) {
            exec.console().warn(name + " not decoded: this boot has no vmlinux of a kernel kimg built");
            return splat.lines();
        }
        Path script = inputs.kernelSource().resolve("scripts/decode_stacktrace.sh");
        if (!Files.isRegularFile(script)) {
            exec.console().warn(name + " not decoded: no " + script);
            return splat.lines();
        }
        Exec.Result r = exec.filter("decode-" + name,
                Cmd.of(DecodeStacktraceCommand.argv(inputs.kernelSource(), inputs.vmlinux())), raw);
        if (r.exitStatus() != 0 || r.output().isEmpty()) {
            exec.console().warn(name + " not decoded: decode_stacktrace.sh exited " + r.exitStatus() + " (log: "
                    + r.log() + ")");
            return splat.lines();
        }
        return r.output();
    }
}
