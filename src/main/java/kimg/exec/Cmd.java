package kimg.exec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line as data: argv (never a shell string built from config values), working directory and the
 * environment variables to add to (or, with {@code cleanEnv}, to use instead of) kimg's own environment.
 */
public record Cmd(List<String> argv, Path cwd, Map<String, String> env, boolean cleanEnv) {
    public Cmd {
        argv = List.copyOf(argv);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    public static Cmd of(List<String> argv) {
        return new Cmd(argv, null, Map.of(), false);
    }

    public static Cmd of(String... argv) {
        return of(List.of(argv));
    }

    public Cmd in(Path dir) {
        return new Cmd(argv, dir, env, cleanEnv);
    }

    public Cmd withEnv(Map<String, String> more) {
        var m = new LinkedHashMap<>(env);
        m.putAll(more);
        return new Cmd(argv, cwd, m, cleanEnv);
    }

    /**
     * The command as a human would type it, for --debug and step logs (display only, never executed); values of
     * secret-looking variables are masked ({@link Secrets}).
     */
    public String render() {
        var sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(k).append('=').append(quote(Secrets.shown(k, v))).append(' '));
        for (String a : Secrets.shownArgv(argv)) {
            sb.append(quote(a)).append(' ');
        }
        return sb.toString().strip();
    }

    /** POSIX sh quoting of one word: left bare when safe, else single-quoted (what `sh -c` reads back as-is). */
    public static String quote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=,+@%-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
