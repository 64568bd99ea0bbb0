package kimg.config;

import java.nio.file.Path;

/**
 * {@code BuildSources=SRC[:TARGET]}: a source tree on the host and the module (target) it belongs to.
 *
 * @param source absolute path of an existing directory
 * @param target module name ("" when none was given)
 */
public record BuildSource(Path source, String target, Origin origin) {
    @Override
    public String toString() {
        return target.isEmpty() ? source.toString() : source + ":" + target;
    }
}
