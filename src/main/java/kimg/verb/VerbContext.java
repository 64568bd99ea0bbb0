package kimg.verb;

import java.io.PrintStream;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.fs.ProjectLock;

/**
 * What a verb's work gets from the runner.
 *
 * @param config the loaded configuration
 * @param exec   runs the verb's steps; null for a {@link Prepared#printing} verb
 * @param lock   the project lock held for {@link Prepared#lock()}; null when the verb takes none
 * @param out    standard output (the verb's own output: summary, the guest command's output)
 */
public record VerbContext(Config config, Exec exec, ProjectLock lock, PrintStream out) {}
