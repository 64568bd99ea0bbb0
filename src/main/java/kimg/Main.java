package kimg;

import java.io.PrintStream;
import java.nio.file.Path;
import kimg.cli.Cli;
import kimg.cli.ExitCode;
import kimg.config.ConfigError;
import kimg.exec.StepFailed;

/** The only place that calls System.exit: parse, run the pipeline, turn errors into one clear message. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, Path.of("").toAbsolutePath(), System.out, System.err));
    }

    public static int run(String[] args, Path cwd, PrintStream out, PrintStream err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        try {
            Cli.Parsed parsed = Cli.parse(args, cwd, out, err);
            if (parsed.exitStatus() != null) {
                return parsed.exitStatus();
            }
            if (parsed.matrix() != null) {
                return kimg.matrix.Matrix.run(parsed.request(), parsed.matrix(), parsed.request().command(), out, err,
                        Pipeline::run);
            }
            return Pipeline.run(parsed.request(), out, err);
        } catch (ConfigError e) {
            err.println("kimg: error: " + e.render());
            return ExitCode.USAGE.code;
        } catch (StepFailed e) {
            for (String line : e.lastLines()) {
                err.println("  | " + line);
            }
            err.println("kimg: error: " + e.getMessage());
            return ExitCode.STEP_FAILED.code;
        } catch (java.nio.file.InvalidPathException e) {
            // A path from the command line the JVM cannot encode: under LC_ALL=C (cron, CI) the JDK takes file
            // names as ASCII. bin/kimg runs the JVM under C.UTF-8 for this; `java -jar` does not.
            err.println("kimg: error: " + ConfigError.usage("not a usable path: " + ConfigError.quote(e.getInput())
                    + " (" + e.getReason() + "; the locale's charset is " + System.getProperty("sun.jnu.encoding")
                    + ", run under a UTF-8 locale such as LC_ALL=C.UTF-8)").render());
            return ExitCode.USAGE.code;
        } catch (RuntimeException e) {
            // A bug in kimg, not a user error: say so; the stack trace only with --debug.
            err.println("kimg: internal error: " + e);
            if (debug) {
                e.printStackTrace(err);
            }
            return ExitCode.INTERNAL.code;
        }
    }
}
