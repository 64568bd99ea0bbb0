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
 * {@code --<module>} flag for every module (picocli must know its options up front): included directories with an
 * mkosi.conf, {@code modules/*}, and profiles with a build script ({@code mkosi.profiles/<name>/mkosi.build*}). It
 * follows Include= without evaluating [Match] and never fails: the real load reports any error with its place.
 */
public final class ModuleScan {
    private ModuleScan() {}

    /**
     * A path to look at, whether an Include= named it (only included directories are modules), and the working
     * directory its relative Include= paths resolve against (REFERENCE §2).
     */
    private record Todo(Path path, boolean included, Path cwd) {}

    /**
     * Every module name a BuildSources= target may name: {@code kernel} (built in), what {@link #names} finds
     * (whatever [Match] says) and the modules the loader met. This is the hook for further kinds of modules
     * (a profile with a build script is one): add them to {@link #names} or to {@link Config#modules}.
     */
    public static Set<String> known(Path project, Config config) {
        var out = new LinkedHashSet<String>();
        out.add("kernel");
        out.addAll(names(project));
        config.modules().forEach(m -> out.add(m.name()));
        return out;
    }

    public static Set<String> names(Path directory) {
        Path project = ConfigLoader.configDirectory(directory);
        var names = new LinkedHashSet<String>();
        var seen = new HashSet<Path>();
        Deque<Todo> todo = new ArrayDeque<>();
        todo.add(new Todo(project, false, project));
        while (!todo.isEmpty()) {
            Todo t = todo.poll();
            Path p = t.path();
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
                // conf.d subdirectories and mkosi.local/ are read like a top directory but are not modules.
                if (t.included() && Files.isRegularFile(p.resolve("mkosi.conf"))) {
                    names.add(p.getFileName().toString());
                }
                todo.add(new Todo(p.resolve("mkosi.conf"), false, p));
                if (p.equals(project)) {
                    todo.add(new Todo(p.resolve("mkosi.local.conf"), false, p));
                    todo.add(new Todo(p.resolve("mkosi.local"), false, p));
                }
                try (Stream<Path> s = Files.list(p.resolve("mkosi.conf.d"))) {
                    s.sorted().forEach(e -> todo.add(new Todo(e, false, p)));
                } catch (IOException | RuntimeException e) {
                    // no conf.d
                }
                if (p.equals(project) || t.included()) {
                    try (Stream<Path> s = Files.list(p.resolve("mkosi.profiles"))) {
                        for (Path profile : s.sorted().toList()) {
                            if (Files.isDirectory(profile) && ModuleDef.findBuildScript(profile).isPresent()) {
                                names.add(profile.getFileName().toString());
                            }
                            todo.add(new Todo(profile, false, Files.isDirectory(profile) ? profile : p));
                        }
                    } catch (IOException | RuntimeException e) {
                        // no profiles
                    }
                }
            } else if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".conf")) {
                try {
                    for (IniFile.Entry e : IniFile.read(p).entries()) {
                        if (e instanceof IniFile.Assignment a
                                && (a.key().equals("Include") || a.key().equals("@Include"))) {
                            for (String item : Words.commas(a.value())) {
                                if (item.indexOf('%') < 0) {
                                    todo.add(new Todo(t.cwd().resolve(item).normalize(), true, t.cwd()));
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
