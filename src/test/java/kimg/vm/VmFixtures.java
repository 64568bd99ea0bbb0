package kimg.vm;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.ModuleDef;
import kimg.image.ImageArtifacts;
import kimg.module.KernelArtifacts;

/** Fixed, made-up paths so that generated command lines are the same on every machine. */
final class VmFixtures {
    static final Path PROJECT = Path.of("/home/dev/project");
    static final Path BUILD_ROOT = PROJECT.resolve("mkosi.builddir/debian~bookworm~x86-64");

    private VmFixtures() {}

    static Config config(Map<String, List<String>> values) {
        return Config.ofValues(PROJECT, values);
    }

    @SafeVarargs
    static Map<String, List<String>> values(Map.Entry<String, List<String>>... entries) {
        var m = new LinkedHashMap<String, List<String>>();
        for (var e : entries) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    static Config withModules(Config config, String... names) {
        return config.withModules(java.util.Arrays.stream(names)
                .map(n -> new ModuleDef(n, PROJECT.resolve("modules").resolve(n), java.util.Optional.empty(), true))
                .toList());
    }

    static KernelArtifacts kernel() {
        return kernel(kimg.config.Architecture.X86_64);
    }

    /** A kernel built for {@code arch} in its own build root ({@code <dist>~<rel>~<arch>}). */
    static KernelArtifacts kernel(kimg.config.Architecture arch) {
        Path buildRoot = BUILD_ROOT.resolveSibling("debian~bookworm~" + arch);
        Path build = buildRoot.resolve("kernel/6.1.0-kimg");
        Path modules = buildRoot.resolve("kernel/modules");
        return new KernelArtifacts("6.1.0-kimg", "-kimg", Path.of("/home/dev/linux"), build,
                build.resolve(arch.imagePath()), build.resolve("vmlinux"), build.resolve("System.map"),
                modules, modules.resolve("6.1.0-kimg"), build.resolve("compile_commands.json"),
                build.resolve("vmlinux-gdb.py"), "c0ffee", "gcc 12.2.0", Map.of());
    }

    static ImageArtifacts image() {
        return new ImageArtifacts(PROJECT.resolve("mkosi.output/image"), PROJECT.resolve("mkosi.output/image"),
                "directory", "k1", false, null, null, Map.of());
    }

    static ImageArtifacts imageWithDistroKernel() {
        Path root = PROJECT.resolve("mkosi.output/image");
        return new ImageArtifacts(root, root, "directory", "k1", false, root.resolve("boot/vmlinuz-6.1.0-27-amd64"),
                root.resolve("boot/initrd.img-6.1.0-27-amd64"), Map.of());
    }

    /** A socket per share, as VirtiofsDaemons names them. */
    static List<Path> sockets(BootInputs inputs) {
        return inputs.shares().stream().map(s -> Path.of("/tmp/kimg-vm-1/" + s.tag() + ".sock")).toList();
    }
}
