package kimg.image;

import kimg.config.Tree;
import kimg.config.Setting;
import kimg.config.Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import kimg.config.Config;
import kimg.config.BuildOptions;
import kimg.config.ConfigError;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.FileTrees;
import kimg.exec.HostTools;
import kimg.exec.OwnedPaths;
import kimg.exec.ProjectLock;
import kimg.exec.StepFailed;
import kimg.exec.StepLogs;
import kimg.exec.TreeRemoval;
import kimg.ui.Console;

/**
 * Builds the image in two stages.
 *
 * <ol>
 *   <li><b>Base</b>: the distribution tree from the package manager (mmdebstrap, or dnf --installroot), cached
 *       under {@code <CacheDirectory>/<dist>~<rel>~<arch>~final~<hash>/root}, keyed by {@link RootfsCacheKey}.
 *       Built in a temporary directory and renamed into place, so a failed or interrupted run leaves the previous
 *       cache as it was.</li>
 *   <li><b>Output</b>: a copy of the cached tree (its own inodes: the guest writes to its root, the cache must not
 *       change with it) plus guest setup, extra trees, module outputs and post-installation scripts, then the
 *       format. Assembled in {@code <OutputDirectory>/.kimg-staging-<Output>} and swapped in at the end. It is
 *       skipped when its inputs ({@link #outputInputs}) match the last build and no -f was given, so a warm
 *       {@code kimg build} does no copying.</li>
 * </ol>
 *
 * <p>-f rebuilds the output from the cache; -ff also drops the cache. Module outputs ({@link Overlay}) go into
 * the output tree only, never into the cache.
 */
public final class ImageBuilder {
    /** A host tree to install into the image at {@code destinationInImage} (module outputs). */
    public record Overlay(Path hostTree, String destinationInImage) {}

    private static final String STAGING_PREFIX = ".kimg-staging-";
    private static final String PREVIOUS_PREFIX = ".kimg-previous-";
    private static final String CACHE_TEMP_PREFIX = ".kimg-tmp-";
    private static final Pattern CACHE_ENTRY = Pattern.compile("[^~/]+~[^~/]+~[^~/]+~(final|build)~[0-9a-f]{16}");

    private final Config config;
    private final Exec exec;
    private final Map<String, Duration> steps = new LinkedHashMap<>();

    ImageBuilder(Config config, Exec exec) {
        this.config = config;
        this.exec = exec;
    }

    /** The lead's entry point: builds (or reuses) the image described by {@code config}. */
    public static ImageArtifacts build(Config config, BuildOptions options, Exec exec, List<Overlay> overlays) {
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg build")) {
            return new ImageBuilder(config, exec).run(options.force(), overlays);
        }
    }

    /**
     * Makes sure the image's cached distribution tree exists (mmdebstrap or dnf when it does not), so that a build
     * can run it while the kernel compiles; the later {@link #build} then finds it cached. False, doing nothing,
     * when that build would drop the cache first (-ff, Incremental=no) or there is no image to build.
     */
    public static boolean prepareBaseTree(Config config, BuildOptions options, Exec exec) {
        if (config.format().equals("none") || options.force() >= 2 || !config.get(Settings.INCREMENTAL)) {
            return false;
        }
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg build")) {
            new ImageBuilder(config, exec).ensureCache(RootfsSpec.finalTree(config));
            return true;
        }
    }

    /**
     * The build overlay: a cached tree of the image's packages plus BuildPackages=, for module build scripts.
     * Returned read-only by convention: mount it read-only or as an overlayfs lower layer, never write into it.
     */
    public static Path buildOverlay(Config config, BuildOptions options, Exec exec) {
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg build")) {
            var builder = new ImageBuilder(config, exec);
            return builder.ensureCache(RootfsSpec.buildTree(config), options.force() >= 2).root();
        }
    }

    /**
     * {@code clean}: level 1 removes the image outputs (tree, archive, state, leftovers of interrupted runs);
     * level 2 also removes every cached distribution tree kimg made in CacheDirectory.
     */
    public static void clean(Config config, int level, Exec exec) {
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), "kimg clean")) {
            var builder = new ImageBuilder(config, exec);
            Paths p = builder.paths();
            builder.removeLeftovers(p);
            if (level >= 1) {
                // The state file last: it is how an older kimg's outputs (made before stamps) are recognised.
                for (Path output : p.outputs()) {
                    builder.deleteOwned("remove-image", output, p);
                }
                builder.delete(p.stateFile());
            }
            if (level >= 2) {
                builder.dropCacheEntries(null);
            }
        }
    }

    /** Where the outputs of this config live. */
    record Paths(Path outputDirectory, String output) {
        Path tree() {
            return outputDirectory.resolve(output);
        }

        Path stateFile() {
            return outputDirectory.resolve("." + output + ".kimg-state");
        }

        Path staging() {
            return outputDirectory.resolve(STAGING_PREFIX + output);
        }

        Path previous() {
            return outputDirectory.resolve(PREVIOUS_PREFIX + output);
        }

        Path archive(String format) {
            String name = OutputFormats.archiveName(output, format);
            return name == null ? null : outputDirectory.resolve(name);
        }

        /** The pinned SSH host key of the guest (Ssh=yes), for kimg ssh. */
        Path knownHosts() {
            return outputDirectory.resolve(GuestHostKey.knownHostsName(output));
        }

        /** The tree, every archive a format can make and the known_hosts file: what build replaces and clean deletes. */
        List<Path> outputs() {
            var out = new ArrayList<Path>(List.of(tree(), knownHosts()));
            for (String format : List.of("tar", "cpio", "disk")) {
                out.add(archive(format));
            }
            return out;
        }

        /**
         * Outputs of a kimg from before ownership stamps: kimg's state file {@code .<Output>.kimg-state} (a name
         * only kimg writes, holding its output inputs) sits next to them.
         */
        boolean madeByOlderKimg(Path output) {
            return Files.isRegularFile(stateFile(), LinkOption.NOFOLLOW_LINKS)
                    && readQuietly(stateFile()).contains("output=" + this.output + "\n");
        }
    }

    Paths paths() {
        // Output= is a plain file name: its row's parser (ValueParser.FILE_NAME) checked it.
        return new Paths(config.outputDirectory(), config.get(Settings.OUTPUT));
    }

    /** A cached distribution tree. */
    record CacheEntry(Path directory, RootfsCacheKey key, boolean hit) {
        Path root() {
            return directory.resolve("root");
        }
    }

    private ImageArtifacts run(int force, List<Overlay> overlays) {
        Paths p = paths();
        String format = config.format();
        RootfsSpec spec = RootfsSpec.finalTree(config);
        RootfsCacheKey key = RootfsCacheKey.of(spec);
        mkdirs(p.outputDirectory());
        // Before any step: an output path kimg did not make (a user's tree under that name) stops the build.
        for (Path output : p.outputs()) {
            OwnedPaths.requireOwned("image", output, p::madeByOlderKimg);
        }
        removeLeftovers(p);

        if (format.equals("none")) {
            // -t none: modules only (build -i); the image stays as it is and the VM boots the existing tree.
            Path tree = Files.isDirectory(p.tree()) ? p.tree() : null;
            boolean cached = Files.isDirectory(config.cacheDirectory().resolve(key.entryName()).resolve("root"));
            return artifacts(tree, null, format, key, cached);
        }
        // -ff and Incremental=no (mkosi's "no cached tree") start from the package manager; the old entry is replaced
        // only when the new one is complete, so an interrupted -ff leaves the cache as it was.
        CacheEntry cache = ensureCache(spec, force >= 2 || !config.get(Settings.INCREMENTAL));
        if (config.sshInImage()) {
            // Before the output inputs: the public key is one of them (a new key means a new authorized_keys).
            SshKey.ensure(config.directory(), exec);
        }

        List<String> outputInputs = outputInputs(cache, p, format, overlays);
        if (force == 0 && upToDate(p, format, outputInputs)) {
            exec.console().info("image up to date: " + p.tree());
            return artifacts(p.tree(), outputOf(p, format), format, key, cache.hit());
        }
        assemble(cache, p, format, overlays, outputInputs);
        return artifacts(p.tree(), outputOf(p, format), format, key, cache.hit());
    }

    private ImageArtifacts artifacts(Path tree, Path output, String format, RootfsCacheKey key, boolean hit) {
        Path kernel = tree == null ? null : newestIn(tree.resolve("boot"), "vmlinuz-").orElse(null);
        Path initrd = tree == null ? null : newestIn(tree.resolve("boot"), "initrd.img-").orElse(null);
        return new ImageArtifacts(tree, output, format, key.hash(), hit, kernel, initrd, steps);
    }

    private static Path outputOf(Paths p, String format) {
        return format.equals("directory") ? p.tree() : p.archive(format);
    }

    // ---------------------------------------------------------------------------------------------------- base

    private CacheEntry ensureCache(RootfsSpec spec) {
        return ensureCache(spec, false);
    }

    /** @param refresh run the package manager even when the entry is cached (-ff, Incremental=no) */
    private CacheEntry ensureCache(RootfsSpec spec, boolean refresh) {
        RootfsCacheKey key = RootfsCacheKey.of(spec);
        Path cacheDir = config.cacheDirectory();
        Path entry = cacheDir.resolve(key.entryName());
        Path inputsFile = entry.resolve("inputs.txt");
        if (!refresh && Files.isDirectory(entry.resolve("root")) && Files.isRegularFile(inputsFile)
                && readQuietly(inputsFile).equals(inputsText(key))) {
            exec.console().info("distribution tree from cache: " + entry);
            return new CacheEntry(entry, key, true);
        }
        mkdirs(cacheDir);
        // An interrupted run (Ctrl-C, SIGKILL) leaves its half-made tree, a few hundred MB: the next one removes it.
        for (Path e : list(cacheDir)) {
            if (isAbandonedCacheTemp(e)) {
                delete(e);
            }
        }
        Path temp = cacheDir.resolve(CACHE_TEMP_PREFIX + key.entryName() + "-" + ProcessHandle.current().pid());
        delete(temp);
        mkdirs(temp);
        CACHE_TEMPS_IN_PROGRESS.add(temp);
        boolean done = false;
        try {
            Path root = temp.resolve("root");
            String step = RootfsSpec.isDebianLike(spec.distribution()) ? "mmdebstrap" : "dnf";
            HostTools.ensure(step, RootfsSpec.isDebianLike(spec.distribution()) ? HostTools.DEBIAN_ROOTFS
                    : List.of(HostTools.Tool.command("dnf", "dnf")), exec);
            Cmd cmd = RootfsSpec.isDebianLike(spec.distribution())
                    ? Cmd.of(MmdebstrapCommand.argv(spec, root))
                    : dnfCommand(spec, root, temp.resolve("dnf"));
            String stepName = step + (spec.purpose().equals("build") ? "-build-overlay" : "");
            if (RootfsSpec.isDebianLike(spec.distribution())) {
                exec.console().watch(stepName, new MmdebstrapProgress());
            }
            runPackageManager(stepName, cmd);
            Files.writeString(temp.resolve("inputs.txt"), inputsText(key));
            delete(temp.resolve("dnf"));
            deleteCacheEntry(entry);
            move(temp, entry);
            done = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            CACHE_TEMPS_IN_PROGRESS.remove(temp);
            if (!done) {
                delete(temp);
            }
        }
        pruneOlderEntries(spec, entry);
        return new CacheEntry(entry, key, false);
    }

    static String inputsText(RootfsCacheKey key) {
        return String.join("\n", key.inputs()) + "\nhash=" + key.hash() + "\n";
    }

    private Cmd dnfCommand(RootfsSpec spec, Path root, Path dnfConfig) throws IOException {
        mkdirs(dnfConfig.resolve("repos.d"));
        Files.writeString(dnfConfig.resolve("dnf.conf"), DnfCommand.mainConfig());
        for (var f : DnfCommand.repoFiles(spec).entrySet()) {
            Files.writeString(dnfConfig.resolve("repos.d").resolve(f.getKey()), f.getValue());
        }
        mkdirs(root);
        return Cmd.of(DnfCommand.argv(spec, root, dnfConfig));
    }

    /** Runs mmdebstrap/dnf; a failure names the package when the log says which one. */
    private void runPackageManager(String step, Cmd cmd) {
        try {
            timed(step, () -> exec.run(step, cmd));
        } catch (StepFailed failed) {
            String why = failed.log() == null ? null : diagnose(readQuietly(failed.log()));
            if (why == null) {
                throw failed;
            }
            var lines = new ArrayList<String>();
            lines.add(why);
            lines.addAll(failed.lastLines());
            throw new StepFailed(failed.step(), failed.log(), failed.exitStatus(), lines);
        }
    }

    private static final Pattern UNABLE_TO_LOCATE = Pattern.compile("Unable to locate package (\\S+)");
    private static final Pattern NO_CANDIDATE = Pattern.compile("Package '?([^' ]+)'? has no installation candidate");
    private static final Pattern DNF_NO_MATCH = Pattern.compile("No match for argument: (\\S+)");

    /** The one line of a package manager's log that says what went wrong, or null. */
    static String diagnose(String log) {
        for (Pattern p : List.of(UNABLE_TO_LOCATE, NO_CANDIDATE, DNF_NO_MATCH)) {
            Matcher m = p.matcher(log);
            if (m.find()) {
                return "package not found: " + m.group(1);
            }
        }
        for (String line : log.split("\n")) {
            if (line.startsWith("E: ") || line.startsWith("Error: ")) {
                return line;
            }
        }
        return null;
    }

    /**
     * Keeps the new entry and the most recent other one of the same distribution/release/architecture/purpose
     * (toggling a package back and forth costs no rebuild), and deletes the rest: each is a whole tree.
     */
    private void pruneOlderEntries(RootfsSpec spec, Path keep) {
        String prefix = RootfsCacheKey.entryPrefix(spec);
        var others = new ArrayList<Path>();
        for (Path old : list(config.cacheDirectory())) {
            String name = old.getFileName().toString();
            if (name.startsWith(prefix) && isCacheEntry(old) && !old.equals(keep)) {
                others.add(old);
            }
        }
        others.sort(Comparator.comparing((Path e) -> e.resolve("inputs.txt").toFile().lastModified()).reversed());
        for (Path old : others.subList(Math.min(1, others.size()), others.size())) {
            deleteTree("remove-cached-tree", old);
        }
    }

    /** -ff / clean level 2: drops the entries of {@code spec}'s distribution/release/architecture, or all of them. */
    private void dropCacheEntries(RootfsSpec spec) {
        String prefix = spec == null ? "" : RootfsCacheKey.entryPrefix(spec);
        for (Path entry : list(config.cacheDirectory())) {
            String name = entry.getFileName().toString();
            if ((isCacheEntry(entry) && name.startsWith(prefix)) || isAbandonedCacheTemp(entry)) {
                deleteTree("remove-cached-tree", entry);
            }
        }
    }

    // -------------------------------------------------------------------------------------------------- output

    /**
     * Everything the output stage depends on besides the base tree: a change to any of these rebuilds the output
     * (copy + setup + format) but never the cache.
     */
    List<String> outputInputs(CacheEntry cache, Paths p, String format, List<Overlay> overlays) {
        var lines = new ArrayList<String>();
        lines.add("base=" + cache.key().hash());
        lines.add("base-entry=" + cache.directory().getFileName());
        lines.add("format=" + format);
        lines.addAll(config.cacheInputs(Setting.Cache.OUTPUT));
        var settings = GuestSetup.settings(config, cache.root());
        lines.add("guest=" + RootfsCacheKey.sha256(GuestSetup.files(settings).toString()));
        lines.add(GuestInit.inputLine(config.architecture()));
        for (ExtraTree t : extraTrees()) {
            lines.add("extra-tree=" + t.source() + ":" + t.destination() + ":" + TreeFingerprint.ofTree(t.source()));
        }
        for (Path script : postinstScripts()) {
            lines.add("postinst=" + script + ":" + TreeFingerprint.ofFile(script));
        }
        for (Overlay o : overlays) {
            lines.add("overlay=" + o.hostTree() + ":" + o.destinationInImage() + ":"
                    + TreeFingerprint.ofTree(o.hostTree()));
        }
        if (format.equals("disk")) {
            lines.add("repart=" + repartDefinitions().map(TreeFingerprint::ofFile).orElse("builtin"));
        }
        return lines;
    }

    boolean upToDate(Paths p, String format, List<String> inputs) {
        if (!Files.isDirectory(p.tree()) || !Files.isRegularFile(p.stateFile())) {
            return false;
        }
        if (config.sshInImage() && !Files.isRegularFile(p.knownHosts())) {
            return false; // an image from before host keys were pinned
        }
        Path archive = p.archive(format);
        if (archive != null && !Files.isRegularFile(archive)) {
            return false;
        }
        return readQuietly(p.stateFile()).equals(String.join("\n", inputs) + "\n");
    }

    record ExtraTree(Path source, String destination) {}

    /** mkosi.extra/ (when present) then ExtraTrees= in order, so later trees overwrite earlier ones. */
    List<ExtraTree> extraTrees() {
        var out = new ArrayList<ExtraTree>();
        Path implicit = config.directory().resolve("mkosi.extra");
        var explicit = new ArrayList<ExtraTree>();
        for (Tree t : config.items(Settings.EXTRA_TREES)) {
            explicit.add(new ExtraTree(t.source(), t.target().isEmpty() ? "/" : t.target()));
        }
        if (Files.isDirectory(implicit) && explicit.stream().noneMatch(t -> t.source().equals(implicit))) {
            out.add(new ExtraTree(implicit, "/"));
        }
        out.addAll(explicit);
        for (ExtraTree t : out) {
            if (!Files.isDirectory(t.source())) {
                throw new ConfigError(config.origin(Settings.EXTRA_TREES), "ExtraTrees",
                        "not a directory: " + t.source() + " (kimg copies directory trees only)");
            }
        }
        return out;
    }

    /** mkosi.postinst (when present) then PostInstallationScripts= in order. */
    List<Path> postinstScripts() {
        var out = new ArrayList<Path>();
        Path implicit = config.directory().resolve("mkosi.postinst");
        if (Files.isRegularFile(implicit)) {
            out.add(implicit);
        }
        for (Path script : config.items(Settings.POST_INSTALLATION_SCRIPTS)) {
            if (!out.contains(script)) {
                out.add(script);
            }
        }
        for (Path s : out) {
            if (!Files.isExecutable(s)) {
                throw new ConfigError(config.origin(Settings.POST_INSTALLATION_SCRIPTS), "PostInstallationScripts",
                        "not an executable file: " + s);
            }
        }
        return out;
    }

    Optional<Path> repartDefinitions() {
        Path dir = config.directory().resolve("mkosi.repart");
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    private void assemble(CacheEntry cache, Paths p, String format, List<Overlay> overlays, List<String> inputs) {
        Path staging = p.staging();
        delete(staging);
        mkdirs(staging);
        boolean done = false;
        try {
            Path root = staging.resolve("root");
            if (!extraTrees().isEmpty() || !overlays.isEmpty() || !postinstScripts().isEmpty()) {
                HostTools.ensure("image", HostTools.SANDBOX, exec);
            }
            // --reflink=auto shares blocks only where the file system copies on write; every file is a new inode.
            timed("image-copy", () -> exec.run("image-copy",
                    Cmd.of("cp", "-a", "--reflink=auto", "--", cache.root().toString(), root.toString())));
            timed("guest-setup", () -> GuestSetup.apply(root, GuestSetup.files(GuestSetup.settings(config, root))));
            if (config.sshInImage()) {
                timed("ssh-host-key", () -> GuestHostKey.install(exec, root, staging.resolve("host-key"),
                        staging.resolve("known_hosts")));
            }
            GuestInit.program(exec, config.cacheDirectory(), config.architecture())
                    .ifPresent(init -> GuestInit.install(root, init));
            for (ExtraTree t : extraTrees()) {
                timed("extra-tree", () -> exec.run("extra-tree",
                        Cmd.of(TreeCopyCommand.argv(root, t.source(), t.destination()))));
            }
            int n = 0;
            for (Overlay o : overlays) {
                if (!Files.isDirectory(o.hostTree())) {
                    throw StepFailed.because("install-" + n, "module output missing: " + o.hostTree());
                }
                String step = "install-" + o.hostTree().getFileName();
                timed(step, () -> exec.run(step,
                        Cmd.of(TreeCopyCommand.argv(root, o.hostTree(), o.destinationInImage()))));
                n++;
            }
            Path scriptOutputs = staging.resolve("outputs");
            mkdirs(scriptOutputs);
            if (!postinstScripts().isEmpty()) {
                runPostinstScripts(root, staging, scriptOutputs);
            }
            if (!format.equals("directory")) {
                writeFormat(root, staging, p, format);
            }
            swapIn(p, staging, format, scriptOutputs, inputs);
            done = true;
        } finally {
            if (!done) {
                delete(staging);
            }
        }
    }

    /**
     * Runs the post-installation scripts in order under {@link PostinstSandbox}, with its helpers written to
     * {@code staging/scripts}. The mount points bwrap makes inside the image for a chroot are removed afterwards
     * when the image did not have them.
     */
    private void runPostinstScripts(Path root, Path staging, Path scriptOutputs) {
        boolean network = config.get(Settings.WITH_NETWORK);
        Path helpers = staging.resolve("scripts");
        mkdirs(helpers);
        PostinstSandbox.helpers(network).forEach((name, text) -> {
            try {
                Path file = helpers.resolve(name);
                Files.writeString(file, text);
                Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(
                        "rwxr-xr-x"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        List<Path> made = SandboxMountpoints.missing(root);
        Map<String, String> env = PostinstSandbox.environment(config, processOwner("uid"), processOwner("gid"));
        try {
            for (Path script : postinstScripts()) {
                String step = "postinst-" + script.getFileName();
                timed(step, () -> exec.run(step, Cmd.of(PostinstSandbox.argv(PostinstSandbox.hostLayout(), script,
                        root, config.directory(), scriptOutputs, helpers, network, env))));
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

    private void writeFormat(Path root, Path staging, Paths p, String format) {
        Path archive = staging.resolve(OutputFormats.archiveName(p.output(), format));
        switch (format) {
            case "tar" -> timed("tar", () -> exec.run("tar", Cmd.of(OutputFormats.tarArgv(root, archive))));
            case "cpio" -> {
                HostTools.ensure("cpio", HostTools.CPIO, exec);
                Path list = staging.resolve("cpio-files");
                writeFileList(root, list);
                timed("cpio", () -> exec.run("cpio", Cmd.of(OutputFormats.cpioArgv(list, archive)).in(root)));
            }
            case "disk" -> {
                HostTools.ensure("disk", HostTools.DISK, exec);
                Path definitions = repartDefinitions().orElseGet(() -> builtinRepart(staging));
                long size = OutputFormats.diskSize(treeBytes(root));
                timed("systemd-repart", () -> exec.run("systemd-repart",
                        Cmd.of(OutputFormats.repartArgv(definitions, root, size, archive))));
            }
            default -> throw new IllegalArgumentException("unknown format " + format);
        }
    }

    /** Used when the project has no mkosi.repart/: one ext4 root partition with the whole tree. */
    static final String BUILTIN_REPART = "[Partition]\nType=root\nFormat=ext4\nCopyFiles=/\n";

    private Path builtinRepart(Path staging) {
        Path dir = staging.resolve("repart");
        mkdirs(dir);
        try {
            Files.writeString(dir.resolve("10-root.conf"), BUILTIN_REPART);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The newc list: every entry below the tree, relative, NUL-separated, parents before children. */
    static void writeFileList(Path root, Path list) {
        try (Stream<Path> walk = Files.walk(root); var out = Files.newOutputStream(list)) {
            for (Path e : walk.skip(1).map(root::relativize).sorted().toList()) {
                out.write(e.toString().getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long treeBytes(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the previous output with the staged one. The state file goes first (a crash in between means the
     * next run rebuilds, never that it trusts a half-swapped output); the old tree is renamed aside and restored
     * by {@link #removeLeftovers} if we die before the new one is in place.
     */
    private void swapIn(Paths p, Path staging, String format, Path scriptOutputs, List<String> inputs) {
        Instant start = Instant.now();
        delete(p.stateFile());
        if (format.equals("directory") || Files.isDirectory(staging.resolve("root"))) {
            OwnedPaths.requireOwned("image-swap", p.tree(), p::madeByOlderKimg);
            if (Files.exists(p.tree(), LinkOption.NOFOLLOW_LINKS)) {
                delete(p.previous());
                move(p.tree(), p.previous());
            }
            OwnedPaths.claim(p.tree());
            move(staging.resolve("root"), p.tree());
            deleteTree("remove-old-image", p.previous());
        }
        Path knownHosts = staging.resolve("known_hosts");
        if (Files.isRegularFile(knownHosts)) {
            OwnedPaths.requireOwned("image-swap", p.knownHosts(), p::madeByOlderKimg);
            OwnedPaths.claim(p.knownHosts());
            move(knownHosts, p.knownHosts());
        } else {
            deleteOwned("image-swap", p.knownHosts(), p);
        }
        Path archive = p.archive(format);
        if (archive != null) {
            OwnedPaths.requireOwned("image-swap", archive, p::madeByOlderKimg);
            OwnedPaths.claim(archive);
            move(staging.resolve(archive.getFileName().toString()), archive);
        }
        for (Path produced : list(scriptOutputs)) {
            Path target = p.outputDirectory().resolve(produced.getFileName().toString());
            deleteOwned("postinst-output", target, p);
            OwnedPaths.claim(target);
            move(produced, target);
        }
        delete(staging);
        try {
            Files.writeString(p.stateFile(), String.join("\n", inputs) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        steps.put("image-swap", Duration.between(start, Instant.now()));
    }

    /**
     * Under the project lock nothing else is building, so staging and temp directories are leftovers of an
     * interrupted run; a tree renamed aside without its replacement in place is put back.
     */
    private void removeLeftovers(Paths p) {
        if (Files.isDirectory(p.previous())) {
            if (!Files.exists(p.tree(), LinkOption.NOFOLLOW_LINKS)) {
                move(p.previous(), p.tree());
            } else {
                delete(p.previous());
            }
        }
        for (Path e : list(p.outputDirectory())) {
            if (e.getFileName().toString().startsWith(STAGING_PREFIX)) {
                delete(e);
            }
        }
        for (Path e : list(config.cacheDirectory())) {
            if (isAbandonedCacheTemp(e)) {
                delete(e);
            }
        }
        // Trees a killed run had renamed aside to delete (TreeRemoval): finish them.
        for (Path dir : List.of(p.outputDirectory(), config.cacheDirectory())) {
            for (Path trash : TreeRemoval.leftovers(dir)) {
                deleteTree("remove-trash", trash);
                OwnedPaths.release(trash);
            }
        }
    }

    /**
     * A distribution tree kimg cached: its name has kimg's pattern and its {@code inputs.txt} (written by kimg
     * before the entry was renamed into place) ends with the hash the name carries. The cache is never shared with
     * a guest, so this is kimg's mark of its own in CacheDirectory=, for entries of every kimg version.
     */
    static boolean isCacheEntry(Path entry) {
        String name = entry.getFileName().toString();
        if (!CACHE_ENTRY.matcher(name).matches() || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        String hash = name.substring(name.lastIndexOf('~') + 1);
        return readQuietly(entry.resolve("inputs.txt")).contains("\nhash=" + hash);
    }

    private void deleteCacheEntry(Path entry) {
        if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS) && !isCacheEntry(entry)) {
            throw StepFailed.because("cache", "refusing to replace " + entry + ": it is not a tree kimg cached");
        }
        delete(entry);
    }

    /** Deletes an output (tree, archive, postinst output) after checking kimg made it, then its stamp. */
    private void deleteOwned(String step, Path output, Paths p) {
        OwnedPaths.requireOwned(step, output, p::madeByOlderKimg);
        deleteTree(step, output);
        OwnedPaths.release(output);
    }

    /** Cache temp dirs being filled by this JVM right now. */
    private static final java.util.Set<Path> CACHE_TEMPS_IN_PROGRESS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A cache directory may be shared by several projects (CacheDirectory=), which the project lock does not
     * cover: a temp dir is only removed when the kimg that named it ({@code -<pid>} suffix) is gone.
     */
    static boolean isAbandonedCacheTemp(Path e) {
        String name = e.getFileName().toString();
        if (!name.startsWith(CACHE_TEMP_PREFIX) || CACHE_TEMPS_IN_PROGRESS.contains(e)) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
        } catch (NumberFormatException ex) {
            return true;
        }
        return pid == ProcessHandle.current().pid() || ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private void timed(String step, Runnable r) {
        Instant start = Instant.now();
        r.run();
        steps.merge(step, Duration.between(start, Instant.now()), Duration::plus);
    }

    private static Optional<Path> newestIn(Path dir, String prefix) {
        return list(dir).stream().filter(f -> f.getFileName().toString().startsWith(prefix))
                .filter(Files::isRegularFile).max(Comparator.comparing(f -> f.getFileName().toString()));
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        var out = new ArrayList<Path>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to
                    + " atomically (different file systems?)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes a file or tree kimg made (callers check: an owned output, a kimg-named temp, a cache entry); first
     * unmounts anything a killed package manager left mounted inside it, so only mounts inside kimg's own trees.
     */
    private void delete(Path path) {
        if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        unmountStale(path);
        FileTrees.deleteRecursively(path);
    }

    /**
     * Deletes a big tree kimg made (callers check) as the step {@code step} with its own status line: renamed
     * aside, then {@code rm -rf} in a child ({@link TreeRemoval}). Anything else goes to {@link #delete}.
     */
    private void deleteTree(String step, Path path) {
        if (path == null || !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            delete(path);
            return;
        }
        unmountStale(path);
        TreeRemoval.remove(exec, step, List.of(path));
    }

    /** Unmounts what a killed package manager left mounted inside a tree of kimg's, and only there. */
    private void unmountStale(Path path) {
        for (String mount : Mounts.below(path)) {
            exec.runUnchecked("umount-stale", Cmd.of("umount", "--lazy", "--", mount));
        }
        if (!Mounts.below(path).isEmpty()) {
            throw StepFailed.because("cleanup", "cannot remove " + path + ": something is still mounted inside");
        }
    }
}
