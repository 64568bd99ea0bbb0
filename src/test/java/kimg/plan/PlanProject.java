package kimg.plan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigLoader;
import kimg.config.ConfigInput;
import kimg.image.RootfsCacheKey;
import kimg.image.RootfsSpec;
import kimg.module.KernelBuildStamp;
import kimg.module.KernelConfigChoice;
import kimg.module.KernelConfigStamp;

/**
 * A small project for plan tests: a fake kernel tree holding only what the plan reads (Makefile, scripts/kconfig,
 * a few sources), a btrfs-progs module with a chroot build script, and helpers that leave on disk what a build
 * leaves (the kernel build directory's stamps, a cache entry, the image state file).
 */
public final class PlanProject {
    /** Every file of the fake trees gets this mtime unless a test touches it. */
    static final Instant BEFORE = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant BUILT = Instant.parse("2026-01-02T00:00:00Z");

    public final Path project;
    public final Path kernel;
    public final Path btrfs;

    public PlanProject(Path tmp) {
        project = tmp.resolve("project");
        kernel = tmp.resolve("linux");
        btrfs = tmp.resolve("btrfs-progs");
        write(kernel.resolve("Makefile"), "# fake kernel tree\n");
        write(kernel.resolve("scripts/kconfig/Makefile"), "\n");
        write(kernel.resolve("mm/slub.c"), "int slub;\n");
        write(kernel.resolve("init/main.c"), "int main;\n");
        write(kernel.resolve(".git/HEAD"), "ref: refs/heads/master\n");
        write(btrfs.resolve("cmds/balance.c"), "int balance;\n");
        write(project.resolve("mkosi.conf"), "[Distribution]\nDistribution=debian\nRelease=bookworm\n\n"
                + "[Content]\nPackages=kmod\n\n[Build]\nBuildSources=" + kernel + ":kernel\n");
        write(project.resolve("mkosi.local.conf"), "[Config]\nInclude=modules/btrfs-progs\n\n[Build]\n"
                + "BuildSources=" + btrfs + ":btrfs-progs\n");
        write(project.resolve("mkosi.kernel.config"), "CONFIG_MODULES=y\nCONFIG_VIRTIO_FS=y\n");
        write(project.resolve("modules/btrfs-progs/mkosi.conf"), "[Content]\nBuildPackages=libblkid-dev\n");
        write(project.resolve("modules/btrfs-progs/mkosi.build.chroot"), "#!/bin/sh\nmake install\n");
        setTimes(kernel, BEFORE);
        setTimes(btrfs, BEFORE);
    }

    public Config config(String... assignments) {
        return ConfigLoader.load(ConfigInput.of(project)
                .withOverrides(kimg.config.ConfigTree.commandLine(assignments)));
    }

    /** What a successful whole kernel build leaves in its build directory, made at {@link #BUILT}. */
    public Path markKernelBuilt(Config config) {
        BuildPlan.Kernel k = Planner.plan(config, BuildOptions.defaults()).kernel();
        Path b = k.buildDir();
        KernelConfigChoice choice = KernelConfigChoice.choose(config, (Path) null, k.tree());
        write(b.resolve(".config"), String.join("\n", choice.lines()) + "\n");
        KernelConfigStamp.of(choice, List.of(), k.makeVariables()).write(b);
        write(b.resolve("include/config/kernel.release"), "6.1.0\n");
        write(b.resolve("arch/x86/boot/bzImage"), "kernel\n");
        write(b.resolve("System.map"), "\n");
        write(b.resolve("modules.builtin"), "\n");
        write(b.resolve("include/config/auto.conf.cmd"), "deps_config := \\\n\tKconfig\n\n");
        write(b.resolve("include/config/auto.conf"), "\n");
        write(kernel.resolve("Kconfig"), "\n");
        setTimes(kernel.resolve("Kconfig"), BEFORE);
        KernelBuildStamp.write(b, BUILT);
        return b;
    }

    /**
     * A cached distribution tree for {@code config} and an image state file naming it, as a build leaves them
     * (the output's other inputs do not matter here: a changed cache key comes first).
     */
    public void markImageBuilt(Config config) {
        RootfsCacheKey key = RootfsCacheKey.of(RootfsSpec.finalTree(config));
        Path entry = config.cacheDirectory().resolve(key.entryName());
        write(entry.resolve("inputs.txt"), String.join("\n", key.inputs()) + "\nhash=" + key.hash() + "\n");
        mkdirs(entry.resolve("root"));
        mkdirs(config.outputDirectory().resolve("image"));
        write(config.outputDirectory().resolve(".image.kimg-state"),
                "base=" + key.hash() + "\nbase-entry=" + key.entryName() + "\nformat=directory\noutput=image\n");
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void setTimes(Path tree, Instant t) {
        try (var walk = Files.walk(tree)) {
            for (Path p : walk.toList()) {
                Files.setLastModifiedTime(p, FileTime.from(t));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
