package kimg.verb;

import java.util.List;
import kimg.config.Config;
import kimg.config.Setting;

/**
 * One verb of kimg ({@code build}, {@code qemu}, ...): an immutable value holding the verb's own options, which
 * checks them against the configuration and does its work. It never sees picocli nor the command line's record;
 * {@code kimg.cli} makes it, {@link kimg.Pipeline} runs it (see package-info for adding one).
 */
public interface Verb {
    /** The verb as the user types it ("build", "qemu"); "kimg NAME" names it in lock records and messages. */
    String name();

    /** What the verb does with the configuration: values kimg cannot build or boot are refused at load. */
    default List<Setting.Use> uses() {
        return List.of();
    }

    /**
     * Checks every argument against {@code config} before any step runs, and decides what the verb will need:
     * its host tools, the part of the project lock it takes (once, for the whole verb), and the work.
     *
     * @throws kimg.config.ConfigError (exit 2) for an argument or setting the verb cannot use
     */
    Prepared prepare(Config config);
}
