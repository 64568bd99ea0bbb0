package kimg.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;

/**
 * A second, small kernel for the splat-triage ITs (src/test/resources/it/splat-kernel.config: tinyconfig, the
 * virtiofs boot, lkdtm, and BUG/KALLSYMS/frame pointers, which the shared fixture's config lacks). It is built from
 * the shared fixture's unpacked tree into its own directory under {@link KernelFixture#cacheDirectory()}, keyed by
 * the fragment's hash, so the shared kernel is never reconfigured; make reuses it incrementally across runs.
 */
public final class SplatKernelFixture {
    private static KernelArtifacts built;

    private SplatKernelFixture() {}

    public static synchronized KernelArtifacts built() {
        if (built == null) {
            built = build(List.of());
        }
        return built;
    }

    /**
     * Builds (brings up to date) the same kernel with {@code environment} as Environment= (e.g. SELFTESTS=1):
     * variables that are not make variables leave its config stamp, and so the kernel, as it is.
     */
    public static synchronized KernelArtifacts build(List<String> environment) {
        try {
            String fragment;
            try (InputStream in = SplatKernelFixture.class.getResourceAsStream("/it/splat-kernel.config")) {
                fragment = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path tree = KernelFixture.sourceTree();
            Path buildDirectory = KernelFixture.cacheDirectory().resolve("splat-" + kimg.exec.Sha256.of(fragment)
                    .substring(0, 12));
            Path projects = Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects"));
            Path project = Files.createTempDirectory(projects, "splat-kernel-");
            Files.writeString(project.resolve("mkosi.kernel.config"), fragment);
            var values = new LinkedHashMap<String, List<String>>(Map.of(
                    "BuildSources", List.of(tree + ":kernel"),
                    "BuildDirectory", List.of(buildDirectory.toString()),
                    "OutputDirectory", List.of(project.resolve("mkosi.output").toString())));
            if (!environment.isEmpty()) {
                values.put("Environment", environment);
            }
            Config config = Config.ofValues(project, values);
            Files.createDirectories(buildDirectory);
            // Its own lock: two JVMs must not run make in this directory at once, and the shared fixture's
            // lock stays free for the other ITs meanwhile.
            try (FileChannel ch = FileChannel.open(buildDirectory.resolveSibling(buildDirectory.getFileName()
                    + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.lock();
                return KernelBuilder.build(config, KernelFixture.request(project, false).buildOptions(),
                        KernelFixture.exec(project));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
