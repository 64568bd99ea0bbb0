package kimg.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Test projects for the userspace modules (btrfs-progs, fstests, ltp, blktests, bpfilter), as a user writes them:
 * an mkosi.conf that Include=s the repository's modules and names sources with BuildSources=.
 *
 * <p>Every project Include=s all five modules, whatever it builds, so every project has the same Packages= and
 * BuildPackages= and so the same build overlay: one mmdebstrap per cache for all module ITs (the overlay is keyed
 * by its package list), and one that proves every Debian package name in the modules' configs exists. The cache
 * lives in the IT cache directory, so it survives between local runs; it is the modules' own (not the rootfs
 * fixture's), because image builds clear leftovers of interrupted runs in their cache directory, which on a shared
 * machine could be another JVM's tree in the making.
 */
public final class ModuleProjects {
    public static final List<String> MODULES = List.of("btrfs-progs", "fstests", "ltp", "blktests", "bpfilter");

    private ModuleProjects() {}

    /** A fresh project directory under target/it-projects. */
    public static Path newProject(String prefix) {
        try {
            return Files.createTempDirectory(
                    Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects")), prefix + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code project/mkosi.conf}: Include= of every module, Debian bookworm, the shared cache, build
     * directories in the project, then the sections of {@code extra}.
     */
    static Path write(Path project, ItProject extra) {
        return ItProject.empty()
                .include(MODULES.stream().map(m -> KernelFixture.repositoryRoot().resolve("modules").resolve(m)).toArray())
                .then(ItProject.debian())
                .build("CacheDirectory=" + KernelFixture.cacheDirectory().resolve("modules/mkosi.cache"),
                        "BuildDirectory=" + project.resolve("mkosi.builddir"))
                .then(extra)
                .write(project);
    }

    /** {@code <BuildDirectory>/debian~bookworm~x86-64/<module>} of a project written by {@link #write}. */
    public static Path buildDirectory(Path project, String module) {
        return project.resolve("mkosi.builddir/debian~bookworm~x86-64").resolve(module);
    }
}
