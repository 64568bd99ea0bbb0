package kimg.it;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.BuildOptions;
import kimg.config.ConfigInput;
import kimg.image.ImageArtifacts;
import kimg.image.ImageBuilder;

/**
 * Runs the image stage alone in a fresh JVM, for tests that need a separate process (interrupting a build) and
 * for bench/warm-build until {@code kimg build} runs the image stage.
 *
 * <pre>
 * ImageBuildMain PROJECT FORCE [Setting=Value ...]   the fixture's settings (shared cache) plus these
 * ImageBuildMain --load PROJECT FORCE                 the project's own mkosi.conf tree (ConfigLoader)
 * </pre>
 * Prints one line: {@code cacheHit=... took=<ms> root=...}.
 */
public final class ImageBuildMain {
    private ImageBuildMain() {}

    public static void main(String[] args) {
        Instant start = Instant.now();
        boolean load = args[0].equals("--load");
        int i = load ? 1 : 0;
        Path project = Path.of(args[i]).toAbsolutePath();
        int force = Integer.parseInt(args[i + 1]);
        var options = new BuildOptions(false, List.of(), null, force, BuildOptions.defaults().jobs());
        Config config;
        if (load) {
            config = ConfigLoader.load(ConfigInput.of(project).forBuild());
        } else {
            var extra = new LinkedHashMap<String, List<String>>();
            for (int k = i + 2; k < args.length; k++) {
                int eq = args[k].indexOf('=');
                extra.computeIfAbsent(args[k].substring(0, eq), x -> new java.util.ArrayList<>())
                        .add(args[k].substring(eq + 1));
            }
            config = RootfsFixture.config(project, extra);
        }
        ImageArtifacts a = ImageBuilder.build(config, options, RootfsFixture.exec(config), List.of());
        System.out.println("cacheHit=" + a.cacheHit() + " took=" + Duration.between(start, Instant.now()).toMillis()
                + " root=" + a.root() + " steps=" + a.steps());
        kimg.exec.TreeRemoval.awaitBackground(); // as Main does before kimg exits
    }
}
