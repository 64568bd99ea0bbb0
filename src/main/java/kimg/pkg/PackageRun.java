package kimg.pkg;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ModuleDef;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.FileTrees;
import kimg.module.KernelArtifacts;
import kimg.module.KernelBuilder;

/**
 * {@code kimg package}: brings the kernel build up to date (the same build directory as {@code kimg build}, so
 * nothing is recompiled when it is), then writes signed RPMs and/or DEBs of the kernel, its -devel tree and every
 * enabled out-of-tree module to {@code <OutputDirectory>/packages/}, and a log directory with
 * kernel-compilation.log, rpm-build.log, deb-build.log, signing.log and report-summary.log.
 */
public final class PackageRun {
    private PackageRun() {}

    /**
     * What one run made; the kernel build's steps are the step records {@code [kernelFrom, kernelTo)}.
     *
     * @param rpms the RPMs where they were published ({@code <OutputDirectory>/packages/rpm/})
     * @param debs the DEBs where they were published ({@code <OutputDirectory>/packages/deb/})
     * @param key  the key the RPMs and repositories were signed with (its public key published with them); empty
     *             when nothing was signed (DEBs without PackageRepository=yes)
     * @param repository PackageRepository=: the DEBs are in a signed apt repository
     */
    public record Packages(KernelArtifacts kernel, List<Path> rpms, List<Path> debs, Optional<SigningKey> key,
            boolean repository, int kernelFrom, int kernelTo) {}

    /** The one entry point (Pipeline dispatches here). @return the exit code: 0, or a step failure is thrown */
    public static int run(Config config, BuildOptions options, Exec exec, PrintStream out) {
        Instant start = Instant.now();
        Packages made = make(config, options, exec, System.getenv());
        RunLogs.write(exec, made, Duration.between(start, Instant.now()), out);
        return 0;
    }

    /**
     * Checks the signing key first (a key the keyring lacks is a config error before the kernel build), builds the
     * kernel, then builds and signs every package and repository under the build root's {@code package/out/}, and
     * only when all of that succeeded moves them into {@code <OutputDirectory>/packages/}: a failed or interrupted
     * run leaves the previous packages as they were.
     */
    public static Packages make(Config config, BuildOptions options, Exec exec, Map<String, String> env) {
        PackageSettings settings = PackageSettings.of(config);
        List<Path> flavorFragments = PackageSettings.flavorFragments(config);
        Path keys = config.cacheDirectory().resolve("kimg-package");
        Optional<SigningKey> found = SigningKey.forRun(config, settings, keys.resolve("gnupg"), env, exec);
        try {
            return make(config, settings, flavorFragments, keys, found, options, exec);
        } finally {
            found.ifPresent(k -> k.release(exec));
        }
    }

    private static Packages make(Config config, PackageSettings settings, List<Path> flavorFragments, Path keys,
            Optional<SigningKey> found, BuildOptions options, Exec exec) {
        Path fragment = null;
        if (settings.moduleSigning()) {
            Path key = ModuleSigningKey.ensure(settings, keys, config.directory().getFileName().toString(), exec);
            fragment = PackageKernelConfig.writeFragment(keys, ModuleSigningKey.fragment(key.toAbsolutePath()));
        }
        checkPahole(exec);
        Config kernelConfig = PackageKernelConfig.derive(config, flavorFragments, fragment);
        int kernelFrom = exec.logs().records().size();
        KernelArtifacts kernel = KernelBuilder.buildInBuildDirectory(kernelConfig, options, exec);
        int kernelTo = exec.logs().records().size();

        Path work = kernelConfig.buildRoot().resolve("package");
        Path staged = fresh(work.resolve("out"));
        Optional<SigningKey> key = found.map(k -> k.exportPublic(staged.resolve(PUBLIC_KEY), exec));
        List<ModuleDef> kmods = KernelModules.of(config);
        var rpms = new ArrayList<Path>();
        var debs = new ArrayList<Path>();
        String arch = config.architecture().kbuildArch();
        for (String format : settings.formats()) {
            Path formatWork = fresh(work.resolve(format));
            Path repo = staged.resolve(format + "-repo");
            if (format.equals("rpm")) {
                rpms.addAll(RpmPackages.build(settings, kernel, kmods, arch, config.architecture().rpmName(),
                        formatWork, staged.resolve("rpm"), options.jobs(), exec));
                RpmPackages.signAndVerify(rpms, key.orElseThrow(), formatWork, exec);
                if (settings.repository()) {
                    RpmPackages.repository(rpms, key.orElseThrow(), repo, exec);
                }
            } else {
                debs.addAll(DebPackages.build(settings, kernel, kmods, arch, config.architecture().debName(),
                        formatWork, staged.resolve("deb"), options.jobs(), exec));
                if (settings.repository()) {
                    DebPackages.repository(debs, key.orElseThrow(), repo, exec);
                }
            }
        }
        Path outDir = config.outputDirectory().resolve("packages");
        var entries = new ArrayList<String>();
        settings.formats().forEach(f -> entries.addAll(List.of(f, f + "-repo")));
        key.ifPresent(k -> entries.add(PUBLIC_KEY));
        PackageOutput.publish(staged, outDir, entries);
        return new Packages(kernel, published(rpms, staged, outDir), published(debs, staged, outDir),
                key.map(k -> k.publishedAt(outDir.resolve(PUBLIC_KEY))), settings.repository(), kernelFrom, kernelTo);
    }

    /** The public key's name beside the packages (and in each repository), for rpm --import and signed-by. */
    static final String PUBLIC_KEY = "signing-key.asc";

    private static List<Path> published(List<Path> files, Path staged, Path outDir) {
        return files.stream().map(f -> outDir.resolve(staged.relativize(f))).toList();
    }

    /** Before a build that may link BTF: a pahole too old for DWARF5 fails minutes into the link otherwise. */
    private static void checkPahole(Exec exec) {
        String text = lastLine(exec.capture("check-pahole", Cmd.of(PackageCommands.paholeVersion())).output());
        PaholeVersion.problem(text).ifPresent(p -> {
            throw ConfigError.usage(p);
        });
    }

    static String lastLine(List<String> lines) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i);
            }
        }
        return "";
    }

    /** The build directories of one out-of-tree module against {@code develTree}, signed with the kernel's key. */
    static List<Path> buildModule(ModuleDef m, KernelArtifacts kernel, Path develTree, Path work, int jobs, Exec exec) {
        Path[] key = ExternalModule.kernelKey(kernel.buildDir()).orElseThrow(() -> new StepFailed("kmod-" + m.name(),
                null, 0, List.of("the kernel has no CONFIG_MODULE_SIG: there is no key to sign " + m.name() + " with")));
        return ExternalModule.build(m.name(), m.directory(), develTree, work.resolve("kmod-" + m.name()), key[0],
                key[1], jobs, exec);
    }

    /** Moves a built package into {@code dir} (kimg's staging directory; replacing an older file of that name). */
    static Path moveInto(Path file, Path dir) {
        try {
            createDirectories(dir);
            return Files.move(file, dir.resolve(file.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An empty directory of kimg's own (under the build root's package/). */
    static Path fresh(Path dir) {
        try {
            if (Files.exists(dir)) {
                FileTrees.deleteRecursively(dir);
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text, String mode) {
        try {
            createDirectories(file.getParent());
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
