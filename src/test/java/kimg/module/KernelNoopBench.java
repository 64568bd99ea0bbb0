package kimg.module;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.Request;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.ui.Console;

/**
 * What `kimg -t none build -i --kernel` does for the kernel, without the CLI: bench/kernel-noop runs this when
 * BENCH_IN_PROCESS=1 (before the launcher wires the kernel builder in). One incremental build per JVM, so the
 * timing includes JVM start-up like the real command.
 *
 * <p>Usage: KernelNoopBench PROJECT_DIR KERNEL_TREE BUILD_DIRECTORY
 */
public final class KernelNoopBench {
    private KernelNoopBench() {}

    public static void main(String[] args) {
        Path project = Path.of(args[0]).toAbsolutePath();
        Config config = Config.ofValues(project, Map.of(
                "BuildSources", List.of(Path.of(args[1]).toAbsolutePath() + ":kernel"),
                "BuildDirectory", List.of(Path.of(args[2]).toAbsolutePath().toString()),
                "Format", List.of("none")));
        Request r = Request.of("build", project);
        Request request = new Request(r.verb(), r.directory(), r.startDirectory(), r.overrides(), r.force(), true,
                List.of("kernel"), null, r.jobs(), false, false, List.of());
        Exec exec = new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));
        KernelArtifacts k = KernelBuilder.build(config, request.buildOptions(), exec);
        System.out.println(k.release() + " " + k.steps());
    }
}
