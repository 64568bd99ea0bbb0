package kimg.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.config.Settings;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.host.HostTools;

/**
 * Assembles the output in a staging directory: {@code root/} is a copy of the cached distribution tree (its own
 * inodes: the guest writes to its root, the cache must not change with it) plus guest setup, the guest's SSH host
 * key, kimg's init, the extra trees, the module outputs and the post-installation scripts (whose $OUTPUTDIR is
 * {@code outputs/}); then the archive of the format next to it. Nothing outside the staging directory changes.
 */
final class ImageAssembler {
    private ImageAssembler() {}

    static void assemble(Config config, Exec exec, StepTimes times, RootfsCache.Entry cache, Path staging,
            OutputPaths p, String format, ImageSources sources, List<ImageBuilder.Overlay> overlays) {
        Path root = staging.resolve("root");
        if (sources.needsSandbox(overlays)) {
            HostTools.ensure("image", HostTools.SANDBOX, exec);
        }
        // --reflink=auto shares blocks only where the file system copies on write; every file is a new inode.
        times.timed("image-copy", () -> exec.run("image-copy",
                Cmd.of("cp", "-a", "--reflink=auto", "--", cache.root().toString(), root.toString())));
        times.timed("guest-setup", () -> GuestSetup.apply(root, GuestSetup.files(GuestSetup.settings(config, root))));
        if (config.sshInImage()) {
            times.timed("ssh-host-key", () -> GuestHostKey.install(exec, root, staging.resolve("host-key"),
                    staging.resolve("known_hosts")));
        }
        GuestInit.program(exec, config.cacheDirectory(), config.architecture())
                .ifPresent(init -> GuestInit.install(root, init));
        for (ImageSources.ExtraTree t : sources.extraTrees()) {
            times.timed("extra-tree", () -> exec.run("extra-tree",
                    Cmd.of(TreeCopyCommand.argv(root, t.source(), t.destination()))));
        }
        int n = 0;
        for (ImageBuilder.Overlay o : overlays) {
            if (!Files.isDirectory(o.hostTree())) {
                throw StepFailed.because("install-" + n, "module output missing: " + o.hostTree());
            }
            String step = "install-" + o.hostTree().getFileName();
            times.timed(step, () -> exec.run(step,
                    Cmd.of(TreeCopyCommand.argv(root, o.hostTree(), o.destinationInImage()))));
            n++;
        }
        Path scriptOutputs = staging.resolve("outputs");
        try {
            Files.createDirectories(scriptOutputs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!sources.postinstScripts().isEmpty()) {
            runPostinstScripts(config, exec, times, root, staging, scriptOutputs, sources.postinstScripts());
        }
        if (!format.equals("directory")) {
            ArchiveWriter.write(root, staging, p.output(), format, sources.repart(), exec, times);
        }
    }

    /**
     * Runs the post-installation scripts in order under {@link PostinstSandbox}, with its helpers written to
     * {@code staging/scripts}. The mount points bwrap makes inside the image for a chroot are removed afterwards
     * when the image did not have them.
     */
    private static void runPostinstScripts(Config config, Exec exec, StepTimes times, Path root, Path staging,
            Path scriptOutputs, List<Path> scripts) {
        boolean network = config.get(Settings.WITH_NETWORK);
        Path helpers = staging.resolve("scripts");
        try {
            Files.createDirectories(helpers);
            for (var helper : PostinstSandbox.helpers(network).entrySet()) {
                Path file = helpers.resolve(helper.getKey());
                Files.writeString(file, helper.getValue());
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Path> made = SandboxMountpoints.missing(root);
        Map<String, String> env = PostinstSandbox.environment(config, processOwner("uid"), processOwner("gid"));
        try {
            for (Path script : scripts) {
                String step = "postinst-" + script.getFileName();
                times.timed(step, () -> exec.run(step, Cmd.of(PostinstSandbox.argv(PostinstSandbox.hostLayout(),
                        script, root, config.directory(), scriptOutputs, helpers, network, env))));
            }
        } finally {
            SandboxMountpoints.removeEmpty(made);
        }
    }

    // /proc/self belongs to the process's user and group.
    private static long processOwner(String attribute) {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:" + attribute)).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
