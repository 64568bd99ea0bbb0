package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.FileTrees;
import kimg.fs.StagedReplace;

/**
 * The cache of distribution trees in CacheDirectory=: {@code <dist>~<rel>~<arch>~<purpose>~<hash>/root} with
 * {@code inputs.txt} next to it, keyed by {@link RootfsCacheKey}. An entry is made by the package manager in a
 * staging directory and renamed into place when complete ({@link StagedReplace}), so a failed or interrupted run
 * leaves the previous entry as it was. Per distribution/release/architecture/purpose the newest two entries are
 * kept (toggling a package back and forth costs no rebuild).
 */
final class RootfsCache {
    private static final Pattern ENTRY_NAME = Pattern.compile("[^~/]+~[^~/]+~[^~/]+~(final|build)~[0-9a-f]{16}");

    /** A cached distribution tree; {@code hit}: it was there, no package manager ran. */
    record Entry(Path directory, RootfsCacheKey key, boolean hit) {
        Path root() {
            return directory.resolve("root");
        }
    }

    private final Path directory;
    private final Exec exec;
    private final TreeCleanup cleanup;

    RootfsCache(Config config, Exec exec) {
        this.directory = config.cacheDirectory();
        this.exec = exec;
        this.cleanup = new TreeCleanup(exec);
    }

    /** CacheDirectory=. */
    Path directory() {
        return directory;
    }

    /** What an entry's {@code inputs.txt} holds: the key's inputs, one per line, then {@code hash=}. */
    static String inputsText(RootfsCacheKey key) {
        return String.join("\n", key.inputs()) + "\nhash=" + key.hash() + "\n";
    }

    /** Pure: whether an entry whose root exists ({@code hasRoot}) and whose inputs.txt reads {@code stored} serves {@code key}. */
    static boolean isHit(boolean hasRoot, String stored, RootfsCacheKey key) {
        return hasRoot && stored.equals(inputsText(key));
    }

    /** Whether the entry for {@code spec} is cached with exactly its inputs. Reads files only. */
    static boolean isCached(Path cacheDirectory, RootfsSpec spec) {
        RootfsCacheKey key = RootfsCacheKey.of(spec);
        Path entry = cacheDirectory.resolve(key.entryName());
        return isHit(Files.isDirectory(entry.resolve("root")), FileTrees.readOrEmpty(entry.resolve("inputs.txt")), key);
    }

    /**
     * The entry for {@code spec}, from the cache or made by the package manager.
     *
     * @param refresh run the package manager even when the entry is cached (-ff, Incremental=no); the old entry is
     *                replaced only when the new one is complete
     */
    Entry ensure(RootfsSpec spec, boolean refresh, StepTimes times) {
        RootfsCacheKey key = RootfsCacheKey.of(spec);
        Path entry = directory.resolve(key.entryName());
        if (!refresh && isCached(directory, spec)) {
            exec.console().info("distribution tree from cache: " + entry);
            return new Entry(entry, key, true);
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // An interrupted run (Ctrl-C, SIGKILL) leaves its half-made tree, a few hundred MB: the next one removes it.
        pruneLeftovers();
        if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS) && !isEntry(entry)) {
            throw StepFailed.because("cache", "refusing to replace " + entry + ": it is not a tree kimg cached");
        }
        Path staging = StagedReplace.begin(entry);
        try {
            PackageManager.install(spec, staging, exec, times);
            Files.writeString(staging.resolve("inputs.txt"), inputsText(key));
            StagedReplace.commit(staging, entry, old -> cleanup.remove("remove-cached-tree", old));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            StagedReplace.end(staging, cleanup::delete);
        }
        for (Path old : toPrune(others(RootfsCacheKey.entryPrefix(spec), entry))) {
            cleanup.remove("remove-cached-tree", old);
        }
        return new Entry(entry, key, false);
    }

    /** Staging directories of kimg processes that are gone, trees left aside by an interrupted replace. */
    void pruneLeftovers() {
        StagedReplace.prune(directory, cleanup::delete);
    }

    /** clean -ff: every entry kimg cached and every leftover, each a step of its own. */
    void dropAll() {
        StagedReplace.prune(directory, p -> cleanup.remove("remove-cached-tree", p));
        for (Path entry : FileTrees.list(directory)) {
            if (isEntry(entry)) {
                cleanup.remove("remove-cached-tree", entry);
            }
        }
    }

    /** A cached entry with its age, for {@link #toPrune}. */
    record Aged(Path entry, long modified) {}

    /** Pure: of the other entries of one prefix, all but the most recently made one. */
    static List<Path> toPrune(List<Aged> others) {
        return others.stream().sorted(Comparator.comparingLong(Aged::modified).reversed()).skip(1)
                .map(Aged::entry).toList();
    }

    private List<Aged> others(String prefix, Path keep) {
        var out = new ArrayList<Aged>();
        for (Path e : FileTrees.list(directory)) {
            if (e.getFileName().toString().startsWith(prefix) && isEntry(e) && !e.equals(keep)) {
                out.add(new Aged(e, e.resolve("inputs.txt").toFile().lastModified()));
            }
        }
        return out;
    }

    /**
     * A distribution tree kimg cached: its name has kimg's pattern and its {@code inputs.txt} (written by kimg
     * before the entry was renamed into place) ends with the hash the name carries. The cache is never shared with
     * a guest, so this is kimg's mark of its own in CacheDirectory=, for entries of every kimg version.
     */
    static boolean isEntry(Path entry) {
        String name = entry.getFileName().toString();
        if (!ENTRY_NAME.matcher(name).matches() || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        String hash = name.substring(name.lastIndexOf('~') + 1);
        return FileTrees.readOrEmpty(entry.resolve("inputs.txt")).contains("\nhash=" + hash);
    }
}
