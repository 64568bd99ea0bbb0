package kimg;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kimg.cli.ExitCode;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.Request;
import kimg.config.Summary;

/** Carries a {@link Request} through the stages: config → module → image → vm. Never sees picocli. */
public final class Pipeline {
    private Pipeline() {}

    public static int run(Request request, PrintStream out, PrintStream err) {
        Config config = ConfigLoader.load(request);
        switch (request.verb()) {
            case "summary":
                out.print(request.json() ? Summary.json(config) : Summary.text(config));
                return ExitCode.OK.code;
            case "cat-config":
                catConfig(config, out);
                return ExitCode.OK.code;
            default:
                for (String w : config.warnings()) {
                    err.println("warning: " + w);
                }
                err.println("kimg: error: '" + request.verb() + "' is not implemented yet");
                return ExitCode.STEP_FAILED.code;
        }
    }

    private static void catConfig(Config config, PrintStream out) {
        for (Path f : config.files()) {
            out.println("# " + f);
            try {
                out.print(Files.readString(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println();
        }
    }
}
