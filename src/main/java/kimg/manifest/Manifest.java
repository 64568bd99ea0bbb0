package kimg.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a build produced, written as {@code manifest.toml} next to the outputs: the kernel (release,
 * localversion, paths, config hash, compiler, build identity), the image (format, cache key and hit), the modules' install trees,
 * and how long each step took. {@code kimg qemu} reads it back to boot what the last build made without rebuilding.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(
        String kimgVersion,
        String created,
        String distribution,
        String release,
        String architecture,
        Kernel kernel,
        Image image,
        List<Module> modules,
        Map<String, Double> stepSeconds) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Kernel(String release, String localVersion, String sourceTree, String buildDir, String bzImage,
            String vmlinux, String systemMap, String modulesRoot, String modulesDir, String compileCommands,
            String gdbScript, String configHash, String compiler, String identity) {
        /** A kernel built without an identity. */
        public Kernel(String release, String localVersion, String sourceTree, String buildDir, String bzImage,
                String vmlinux, String systemMap, String modulesRoot, String modulesDir, String compileCommands,
                String gdbScript, String configHash, String compiler) {
            this(release, localVersion, sourceTree, buildDir, bzImage, vmlinux, systemMap, modulesRoot, modulesDir,
                    compileCommands, gdbScript, configHash, compiler, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Image(String format, String root, String output, String cacheKey, boolean cacheHit,
            String distroKernel, String distroInitrd) {}

    public record Module(String name, String buildDir, String destDir) {}

    public static final String FILE = "manifest.toml";

    /** Writes {@code dir/manifest.toml} atomically (temp file + rename). */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".manifest", ".toml");
            Files.writeString(tmp, toToml());
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toToml() {
        try {
            return new TomlMapper().writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String toJson() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<Manifest> read(Path dir) {
        Path f = dir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new TomlMapper().readValue(f.toFile(), Manifest.class));
        } catch (IOException e) {
            return Optional.empty(); // an unreadable manifest means "build again", never a crash
        }
    }

    public static Map<String, Double> seconds(Map<String, java.time.Duration> steps) {
        var out = new LinkedHashMap<String, Double>();
        steps.forEach((k, v) -> out.put(k, v.toMillis() / 1000.0));
        return out;
    }
}
