package kimg.verb;

import java.util.List;
import kimg.fs.ProjectLock;
import kimg.host.HostTools.Tool;

/**
 * What a verb decided before any step: whether it runs steps at all (a verb that only prints the configuration
 * gets no console, log directory, tools or lock), the host tools it needs, the lock it holds while it works
 * (null: none), and the work.
 */
public record Prepared(boolean runsSteps, List<Tool> tools, ProjectLock.Use lock, Work work) {
    /** The verb's work, run once the tools are there and the lock is held; returns the exit status. */
    @FunctionalInterface
    public interface Work {
        int run(VerbContext context);
    }

    public Prepared {
        tools = List.copyOf(tools);
    }

    /** A verb that reads the configuration and prints: no console, logs, tools or lock. */
    public static Prepared printing(Work work) {
        return new Prepared(false, List.of(), null, work);
    }

    /** A verb that runs steps with {@code tools}, holding {@code lock} (null: none) the whole time. */
    public static Prepared steps(List<Tool> tools, ProjectLock.Use lock, Work work) {
        return new Prepared(true, tools, lock, work);
    }
}
