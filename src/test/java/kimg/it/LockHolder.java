package kimg.it;

import java.nio.file.Path;
import kimg.exec.ProjectLock;

/** A second "kimg" for lock tests: takes a project's lock, says so, and holds it until stdin closes. */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        try (ProjectLock lock = ProjectLock.acquire(Path.of(args[0]), "kimg build")) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold until the test closes our stdin or kills us
            }
        }
    }

    /** Starts a LockHolder JVM on {@code project} and waits until it holds the lock. */
    public static Process start(Path project) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(),
                project.toString()).redirectErrorStream(true).start();
        var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()));
        String line = in.readLine();
        if (!"locked".equals(line)) {
            p.destroyForcibly();
            throw new IllegalStateException("lock holder did not start: " + line);
        }
        return p;
    }
}
