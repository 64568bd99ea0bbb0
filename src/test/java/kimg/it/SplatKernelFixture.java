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
 * The shared fixture's kernel (KernelFixture: the shipped mkosi.kernel.config, which has lkdtm, BUG, KALLSYMS and
 * frame pointers) as the splat and selftests ITs need it, optionally with Environment= values (SELFTESTS=1): those
 * are not make variables, so the kernel's config stamp and build stay as they are and only the selftests install
 * is added to the same build directory, under the shared fixture's lock.
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
            // The shipped config has what splat triage needs (lkdtm, BUG, KALLSYMS, frame pointers): the shared
            // fixture's kernel, in its build directory, so nothing is built twice.
            String fragment = Files.readString(KernelFixture.repositoryRoot().resolve("mkosi.kernel.config"));
            Path tree = KernelFixture.sourceTree();
            Path buildDirectory = KernelFixture.cacheDirectory().resolve("builddir");
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
            try (var lock = KernelFixture.lock()) {
                return KernelBuilder.build(config, KernelFixture.options(false), KernelFixture.exec(project));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
