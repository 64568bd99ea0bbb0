package kimg.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A quick look for module names before the command line is parsed, so that {@code build} can offer a
 * {@code --<module>} flag for every module (picocli must know its options up front). It follows Include= without
 * evaluating [Match] and never fails: the real load reports any error with its place.
 */
public final class ModuleScan {
    private ModuleScan() {}

    public static Set<String> names(Path project) {
        var names = new LinkedHashSet<String>();
        var seen = new HashSet<Path>();
        Deque<Path> todo = new ArrayDeque<>();
        todo.add(project);
        while (!todo.isEmpty()) {
            Path p = todo.poll();
            Path real;
            try {
                real = p.toRealPath();
            } catch (IOException e) {
                continue;
            }
            if (!seen.add(real)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                if (!p.equals(project) && Files.isRegularFile(p.resolve("mkosi.conf"))) {
                    names.add(p.getFileName().toString());
                }
                todo.add(p.resolve("mkosi.conf"));
                if (p.equals(project)) {
                    todo.add(p.resolve("mkosi.local.conf"));
                    todo.add(p.resolve("mkosi.local"));
                }
                try (Stream<Path> s = Files.list(p.resolve("mkosi.conf.d"))) {
                    s.sorted().forEach(todo::add);
                } catch (IOException | RuntimeException e) {
                    // no conf.d
                }
            } else if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".conf")) {
                try {
                    for (IniFile.Entry e : IniFile.read(p).entries()) {
                        if (e instanceof IniFile.Assignment a && a.key().equals("Include")) {
                            for (String item : Words.words(a.value())) {
                                if (item.indexOf('%') < 0) {
                                    todo.add(p.getParent().resolve(item).normalize());
                                }
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    // reported by the real load
                }
            }
        }
        Path modules = project.resolve("modules");
        try (Stream<Path> s = Files.list(modules)) {
            s.sorted().filter(m -> Files.isRegularFile(m.resolve("mkosi.conf")))
                    .forEach(m -> names.add(m.getFileName().toString()));
        } catch (IOException e) {
            // no modules/ directory
        }
        return names;
    }
}
