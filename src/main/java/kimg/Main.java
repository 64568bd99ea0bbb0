package kimg;

import java.io.PrintStream;
import java.nio.file.Path;
import kimg.cli.Cli;
import kimg.cli.ExitCode;
import kimg.config.ConfigError;
import kimg.exec.StepFailed;
import kimg.exec.TreeRemoval;

/** The only place that calls System.exit: parse, run the pipeline, turn errors into one clear message. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        kimg.exec.ChildProcesses.commandRunning(true);
        int status = run(args, Path.of("").toAbsolutePath(), System.out, System.err);
        kimg.exec.ChildProcesses.commandRunning(false);
        System.exit(status);
    }

    public static int run(String[] args, Path cwd, PrintStream out, PrintStream err) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        try {
            Cli.Parsed parsed = Cli.parse(args, cwd, out, err);
            if (parsed.exitStatus() != null) {
                return parsed.exitStatus();
            }
            return Pipeline.run(parsed.verb(), parsed.request().configInput(), parsed.request().debug(), out, err);
        } catch (ConfigError e) {
            err.println("kimg: error: " + e.render());
            return ExitCode.USAGE.code;
        } catch (StepFailed e) {
            if (kimg.exec.ChildProcesses.stopping()) {
                // Ctrl-C or SIGTERM: the hook killed the step and said "interrupted"; the step's dying words and
                // "failed" would mislead.
                return ExitCode.INTERRUPTED.code;
            }
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
        } finally {
            // An old image tree deleted in the background (-f build): kimg leaves no child behind.
            TreeRemoval.awaitBackground();
        }
    }
}
