package kimg.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import kimg.Main;

/**
 * One in-process kimg command line, as a user would type it ({@code Main.run}), with stdout and stderr captured.
 * stderr is also copied to the test's own stderr so a failing IT shows kimg's progress in the surefire report.
 */
public record KimgCli(int status, String out, String err) {
    public static KimgCli run(Path cwd, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status;
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
                var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = Main.run(args, cwd, o, e);
        }
        var result = new KimgCli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.err.print(result.err);
        return result;
    }

    @Override
    public String toString() {
        return "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
