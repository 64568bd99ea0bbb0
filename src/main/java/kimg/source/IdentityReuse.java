package kimg.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import kimg.config.Architecture;
import kimg.ui.Console;

/**
 * Skipping the compile of an identity already built: the build directory's last complete build (its mark file
 * {@value #MARK}) or a {@link KernelStore} entry. A build directory's mark is removed before make runs and written
 * only after make and modules_install succeeded, so a failed or interrupted build never claims an identity.
 */
public final class IdentityReuse {
    /** In a build directory: the identity of the last complete build in it. */
    public static final String MARK = "kimg-identity";

    private IdentityReuse() {}

    /**
     * What a hit boots: from the build directory itself or from a store entry.
     *
     * @param identity the identity of what it boots: the one looked up, or the same hash under the readable part
     *                 a store entry was built with (its release says that name)
     */
    public record Hit(BuildIdentity identity, String release, Path image, Path vmlinux, Path systemMap,
            Path modulesRoot, boolean inBuildDirectory) {}

    /** Where a build may be reused from. */
    public enum Scope {
        /** The build directory, then the store: a build or a boot. */
        ANYWHERE,
        /**
         * The build directory only: {@code kimg package}, whose -devel tree, Module.symvers and headers come from the
         * build directory, which after a store hit would hold another build.
         */
        BUILD_DIRECTORY,
        /** Nowhere: -f. */
        NONE
    }

    /**
     * Looks {@code identity} up in the build directory, then (with {@link Scope#ANYWHERE}) in the store (by name,
     * then by hash); prints {@code reuse: hit <identity>}, {@code reuse: store hit under <name> ...} when the store
     * has the same build under another readable part, or why it builds.
     */
    public static Optional<Hit> lookup(BuildIdentity identity, Path buildDir, Path modulesRoot, Architecture arch,
            KernelStore store, Scope scope, Console console) {
        String name = identity.name();
        if (scope == Scope.NONE) {
            console.info("reuse: -f, building " + name);
            return Optional.empty();
        }
        Path image = buildDir.resolve(arch.imagePath());
        Path releaseFile = buildDir.resolve("include/config/kernel.release");
        if (name.equals(read(buildDir.resolve(MARK))) && Files.isRegularFile(image)
                && Files.isRegularFile(releaseFile)) {
            String release = read(releaseFile);
            if (Files.isDirectory(modulesRoot.resolve(release))) {
                console.info("reuse: hit " + name + " (build directory " + buildDir + ")");
                return Optional.of(new Hit(identity, release, image, buildDir.resolve("vmlinux"),
                        buildDir.resolve("System.map"), modulesRoot, true));
            }
        }
        Optional<KernelStore.Entry> entry = store.lookup(identity, image.getFileName().toString());
        if (entry.isPresent() && scope == Scope.BUILD_DIRECTORY) {
            console.info("reuse: " + name + " is in the store but not in " + buildDir + ", which packaging reads:"
                    + " building it there");
            return Optional.empty();
        }
        if (entry.isPresent()) {
            KernelStore.Entry e = entry.get();
            BuildIdentity stored = identity;
            if (e.name().equals(name)) {
                console.info("reuse: hit " + name + " (store " + e.dir() + ")");
            } else {
                // The entry's readable part with the full hash looked up (the name keeps only 8 hex digits of it).
                stored = new BuildIdentity(BuildIdentity.ofName(e.name()).map(BuildIdentity::readable)
                        .orElse(e.name()), identity.hash());
                console.info("reuse: store hit under " + e.name() + " for " + name + " (same inputs, another"
                        + " readable name; it boots as " + e.release() + "; store " + e.dir() + ")");
            }
            return Optional.of(new Hit(stored, e.release(), e.image(), e.vmlinux(), e.systemMap(), e.modulesRoot(),
                    false));
        }
        console.info("reuse: miss " + name + ": building");
        return Optional.empty();
    }

    /** The name of the identity whose complete build {@code buildDir} holds, from its mark; empty when none. */
    public static Optional<String> lastBuilt(Path buildDir) {
        String name = read(buildDir.resolve(MARK));
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    /** Before make: the build directory no longer holds a complete build of any identity. */
    public static void forget(Path buildDir) {
        try {
            Files.deleteIfExists(buildDir.resolve(MARK));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** After a complete build: marks the build directory and puts the run layer into the store. */
    public static void remember(BuildIdentity identity, String release, Path buildDir, Architecture arch,
            Path modulesDir, KernelStore store) {
        store.put(identity, release, buildDir.resolve(arch.imagePath()), buildDir.resolve("vmlinux"),
                buildDir.resolve("System.map"), modulesDir);
        markBuilt(identity, buildDir);
    }

    /**
     * After a complete build under -i (whose identity is read back from the .config, with only 8 hex digits of its
     * hash, so it does not go into the store): marks the build directory only.
     */
    public static void markBuilt(BuildIdentity identity, Path buildDir) {
        try {
            Files.writeString(buildDir.resolve(MARK), identity.name(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path f) {
        try {
            return Files.isRegularFile(f) ? Files.readString(f, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
