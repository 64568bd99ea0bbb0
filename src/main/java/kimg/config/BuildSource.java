package kimg.config;

import java.nio.file.Path;

/** {@code BuildSources=SRC:TARGET}: a source tree on the host and the module (target) it belongs to. */
public record BuildSource(Path source, String target, Origin origin) {
    static BuildSource parse(Value v) {
        String text = v.text();
        int colon = text.lastIndexOf(':');
        // Parsed values are "ABSOLUTE[:target]"; the target never holds '/', the path always does.
        if (colon > 0 && !text.substring(colon + 1).contains("/")) {
            return new BuildSource(Path.of(text.substring(0, colon)), text.substring(colon + 1), v.origin());
        }
        return new BuildSource(Path.of(text), "", v.origin());
    }
}
