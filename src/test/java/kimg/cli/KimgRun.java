package kimg.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import kimg.Main;

/** One in-process run of kimg: {@code Main.run} with captured stdout and stderr. */
record KimgRun(int status, String out, String err) {
    static KimgRun in(Path cwd, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
                var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, cwd, o, e);
        }
        return new KimgRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    List<String> errLines() {
        return Arrays.stream(err.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
