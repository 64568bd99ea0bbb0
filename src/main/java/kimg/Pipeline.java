package kimg;

import java.io.PrintStream;
import kimg.config.Config;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.fs.ProjectLock;
import kimg.ui.Console;
import kimg.verb.Prepared;
import kimg.verb.ToolsNeeded;
import kimg.verb.Verb;
import kimg.verb.VerbContext;
import kimg.vm.QemuListeners;

/**
 * Runs one {@link Verb}: loads the configuration for what the verb does with it, prints the warnings, checks what
 * every verb checks and what the verb checks, all before any step; then sets up the console and the step logs,
 * checks the verb's host tools, takes its lock once and runs its work. Never sees picocli.
 */
public final class Pipeline {
    private Pipeline() {}

    /**
     * @param input the project, where kimg started and the settings given as flags
     * @param debug --debug: the console shows every command and its output
     * @return the exit status: 0, or the guest command's for {@code run}
     */
    public static int run(Verb verb, ConfigInput input, boolean debug, PrintStream out, PrintStream err) {
        Config config = ConfigLoader.load(input.withUses(verb.uses()));
        // Warnings go to stderr for every verb, so that stdout of `summary --json` is JSON only.
        config.warnings().forEach(w -> err.println("warning: " + w));
        // Before any verb, so that summary rejects what build would.
        OutputLocations.check(config);
        QemuListeners.check(config);
        // Flavor= naming no mkosi.flavors/<Flavor>/*.config is a broken config, not only a broken kimg package.
        kimg.pkg.PackageSettings.flavorFragments(config);
        Prepared prepared = verb.prepare(config);
        if (!prepared.runsSteps()) {
            return prepared.work().run(new VerbContext(config, null, null, out));
        }
        Console console = Console.forTerminal(debug, err);
        Exec exec = new Exec(StepLogs.under(config.outputDirectory().resolve("logs")), console);
        ToolsNeeded.check(verb.name(), prepared.tools(), System.getenv(), exec);
        ToolsNeeded.checkForeign(verb.name(), config, prepared.tools());
        try (ProjectLock lock = prepared.lock() == null ? null
                : lock(config, prepared.lock(), "kimg " + verb.name(), console)) {
            return prepared.work().run(new VerbContext(config, exec, lock, out));
        }
    }

    /** Takes the project's lock for {@code use}, saying where it is when the project directory is read-only. */
    private static ProjectLock lock(Config config, ProjectLock.Use use, String what, Console console) {
        if (ProjectLock.isElsewhere(config.directory())) {
            console.info("project directory " + config.directory() + " is read-only: its lock is "
                    + ProjectLock.fileOf(config.directory()));
        }
        return ProjectLock.acquire(config.directory(), use, what);
    }
}
