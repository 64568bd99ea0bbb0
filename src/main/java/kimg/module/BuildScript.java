package kimg.module;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.exec.Sandbox;

/**
 * mkosi's build-script contract as pure functions: the environment a module's script sees and, for
 * {@code mkosi.build.chroot} scripts, the bubblewrap command that runs it inside the build overlay (the image plus
 * BuildPackages=) so it links against the image's libraries. Inside, the source is read-only at /work/src, the
 * persistent build directory is /work/build, $DESTDIR is /work/dest and $ARTIFACTDIR /work/artifacts; nothing
 * else of the overlay is writable, so a build never changes the cached tree.
 *
 * @param script      the module's build script on the host
 * @param source      the module's source tree (read-only)
 * @param buildDir    persistent build directory
 * @param destDir     install root ($DESTDIR)
 * @param artifactDir artifacts shared with later steps ($ARTIFACTDIR)
 * @param jobs        parallel jobs ($JOBS)
 * @param environment Environment= of the config, passed through
 * @param network     WithNetwork=
 */
public record BuildScript(Path script, Path source, Path buildDir, Path destDir, Path artifactDir, int jobs,
        Map<String, String> environment, boolean network) {

    static final String SRC = "/work/src";
    static final String BUILD = "/work/build";
    static final String DEST = "/work/dest";
    static final String ARTIFACTS = "/work/artifacts";
    static final String SCRIPT = "/work/build-script";

    /** The variables of the contract, with host paths (scripts run on the host). */
    public Map<String, String> hostEnvironment() {
        return contract(source.toString(), buildDir.toString(), destDir.toString(), artifactDir.toString());
    }

    /** The command for a host script ({@code mkosi.build}): run directly, in the build directory. */
    public List<String> hostArgv() {
        return List.of(script.toString(), "build");
    }

    /** The bubblewrap command for a {@code .chroot} script inside {@code overlayRoot} (mounted read-only). */
    public List<String> chrootArgv(Path overlayRoot) {
        Sandbox.Builder box = Sandbox.builder().isolated(network).clearEnvironment()
                .roBind(overlayRoot, "/")
                .dev("/dev")
                .proc("/proc")
                .tmpfs("/tmp")
                .tmpfs("/var/tmp")
                .tmpfs("/run")
                // mount points for the contract paths, so nothing needs to be created in the read-only overlay
                .tmpfs("/work")
                .roBind(source, SRC)
                .bind(buildDir, BUILD)
                .bind(destDir, DEST)
                .bind(artifactDir, ARTIFACTS)
                .roBind(script, SCRIPT);
        if (network) {
            box.roBind("/etc/resolv.conf", "/etc/resolv.conf");
        }
        return box.chdir(BUILD)
                .setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
                .setenv("HOME", "/root")
                .setenv("TERM", "dumb")
                .setenv(contract(SRC, BUILD, DEST, ARTIFACTS))
                .command(SCRIPT, "build").argv();
    }

    private Map<String, String> contract(String src, String build, String dest, String artifacts) {
        var env = new LinkedHashMap<String, String>(environment);
        env.put("SRCDIR", src);
        env.put("BUILDDIR", build);
        env.put("DESTDIR", dest);
        env.put("ARTIFACTDIR", artifacts);
        env.put("JOBS", Integer.toString(jobs));
        env.put("WITH_NETWORK", network ? "1" : "0");
        env.put("MKOSI_UID", "0");
        env.put("MKOSI_GID", "0");
        return env;
    }
}
