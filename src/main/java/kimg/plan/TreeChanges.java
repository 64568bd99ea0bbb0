package kimg.plan;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The files of a source tree modified after a point in time: the cheap staleness check of a build (one stat per
 * file, no content read, no make run; about 0.2 s on a kernel tree). Version-control metadata ({@code .git}) is
 * skipped: a commit or a fetch changes no source file.
 *
 * @param count the number of newer files
 * @param first the first of them in path order, relative to the tree (at most {@link #SHOWN})
 */
public record TreeChanges(int count, List<String> first) {
    /** How many changed files a reason names. */
    public static final int SHOWN = 3;

    public TreeChanges {
        first = List.copyOf(first);
    }

    /**
     * The regular files under {@code tree} whose mtime is after {@code since}. The top-level directories are walked
     * in parallel (a kernel tree has ~20 of similar size), so the stats use every core.
     */
    public static TreeChanges since(Path tree, FileTime since) {
        List<Path> tops;
        try (var list = Files.list(tree)) {
            tops = list.filter(p -> !p.getFileName().toString().equals(".git")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + tree, e);
        }
        return tops.parallelStream().map(top -> walk(tree, top, since))
                .reduce(new TreeChanges(0, List.of()), TreeChanges::plus);
    }

    private TreeChanges plus(TreeChanges other) {
        var names = new TreeSet<String>(first);
        names.addAll(other.first);
        return new TreeChanges(count + other.count, names.stream().limit(SHOWN).toList());
    }

    private static TreeChanges walk(Path tree, Path start, FileTime since) {
        var names = new TreeSet<String>();
        int[] count = {0};
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.getFileName().toString().equals(".git") ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && attrs.lastModifiedTime().compareTo(since) > 0) {
                        count[0]++;
                        names.add(tree.relativize(file).toString());
                        if (names.size() > SHOWN) {
                            names.pollLast();
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: not ours to judge; make will say
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + start, e);
        }
        return new TreeChanges(count[0], new ArrayList<>(names));
    }

    public boolean isEmpty() {
        return count == 0;
    }

    /** "mm/slub.c changed", "mm/slub.c, mm/slab.c and 4 more changed". */
    public String reason() {
        String names = String.join(", ", first);
        return count > first.size() ? names + " and " + (count - first.size()) + " more changed" : names + " changed";
    }
}
