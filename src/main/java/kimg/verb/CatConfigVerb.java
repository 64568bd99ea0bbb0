package kimg.verb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import kimg.config.Config;

/** {@code kimg cat-config}: the configuration files read, in order, each under a "# FILE" line. */
public record CatConfigVerb() implements Verb {
    @Override
    public String name() {
        return "cat-config";
    }

    @Override
    public Prepared prepare(Config config) {
        return Prepared.printing(context -> {
            for (Path f : context.config().files()) {
                context.out().println("# " + f);
                try {
                    context.out().print(Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                context.out().println();
            }
            return 0;
        });
    }
}
