package kimg.it;

import java.nio.file.Path;
import kimg.fs.ProjectLock;

/**
 * A second "kimg" for lock tests: takes a project's lock (for a {@link ProjectLock.Use}, default BUILD, in the
 * name of a verb, default "kimg build"), says so, and holds it until stdin closes.
 */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        ProjectLock.Use use = args.length > 1 ? ProjectLock.Use.valueOf(args[1]) : ProjectLock.Use.BUILD;
        String what = args.length > 2 ? args[2] : "kimg build";
        try (ProjectLock lock = ProjectLock.acquire(Path.of(args[0]), use, what)) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes our stdin or kills us
            }
        }
    }

    /** Starts a LockHolder JVM on {@code project} and waits until it holds the lock. */
    public static Process start(Path project) throws Exception {
        return start(project, ProjectLock.Use.BUILD, "kimg build");
    }

    /** Starts a LockHolder JVM holding {@code project}'s lock for {@code use} as {@code what}. */
    public static Process start(Path project, ProjectLock.Use use, String what) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                project.toString(), use.name(), what).redirectErrorStream(true).start();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        String line = in.readLine();
        if (!"locked".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("lock holder did not start: " + line);
        }
        return p;
    }
}
