package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.function.Predicate;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KernelArtifacts;

/**
 * Lays out the packages' payloads from a kernel build, as a distribution installs them: /boot/vmlinuz-R,
 * System.map-R, config-R, /lib/modules/R (without the build/source links kbuild points at the build host), and
 * the -devel tree with /lib/modules/R/build pointing at it.
 *
 * <p>The -devel tree takes what kbuild's own Debian packaging puts in linux-headers (scripts/package/builddeb in
 * 6.1): from the source tree the top and arch Makefiles, include/, scripts/, the arch's include and scripts
 * directories; from the build directory arch/ARCH/include, include/ (generated, config/auto.conf), scripts/ (the
 * host programs: fixdep, modpost, sign-file), Module.symvers, .config, objtool. kimg adds what BTF for external
 * modules needs (vmlinux without DWARF, resolve_btfids) and the public signing certificate; never a private key.
 */
public final class PayloadTrees {
    private PayloadTrees() {}

    /** Copies the kernel package's files under {@code root}. */
    public static void kernel(KernelArtifacts k, String archSrc, Path root) {
        String r = k.release();
        Path boot = root.resolve("boot");
        copyFile(k.bzImage(), boot.resolve("vmlinuz-" + r));
        copyFile(k.systemMap(), boot.resolve("System.map-" + r));
        copyFile(k.buildDir().resolve(".config"), boot.resolve("config-" + r));
        Path modules = root.resolve("lib/modules").resolve(r);
        copyTree(k.modulesDir(), modules, p -> {
            String top = k.modulesDir().relativize(p).toString();
            return !top.equals("build") && !top.equals("source");
        });
    }

    /**
     * Copies the -devel tree to {@code root/develDir} and links {@code root/lib/modules/R/build} to it.
     *
     * @param develDir e.g. usr/src/kernels/R (RPM) or usr/src/linux-headers-R (DEB), relative
     */
    public static Path devel(KernelArtifacts k, String archSrc, Path root, String develDir, Exec exec) {
        Path src = k.sourceTree();
        Path obj = k.buildDir();
        Path dest = root.resolve(develDir);
        Path arch = Path.of("arch", archSrc);
        // From the source tree.
        for (String top : new String[] {"Makefile", "Kbuild", "Kconfig"}) {
            copyIfPresent(src.resolve(top), dest.resolve(top));
        }
        copyMatching(src.resolve(arch), dest.resolve(arch), 1,
                p -> p.getFileName().toString().startsWith("Makefile") || p.getFileName().toString().startsWith("Kbuild"));
        copyTree(src.resolve("include"), dest.resolve("include"), p -> true);
        copyTree(src.resolve("scripts"), dest.resolve("scripts"), p -> true);
        copyArchDirectories(src.resolve(arch), dest.resolve(arch));
        // From the build directory (after: generated files win).
        copyTree(obj.resolve(arch).resolve("include"), dest.resolve(arch).resolve("include"), PayloadTrees::notObject);
        copyTree(obj.resolve("include"), dest.resolve("include"), PayloadTrees::notObject);
        copyTree(obj.resolve("scripts"), dest.resolve("scripts"), PayloadTrees::notObject);
        for (String f : new String[] {"Module.symvers", ".config", "tools/objtool/objtool",
                "tools/bpf/resolve_btfids/resolve_btfids", "certs/signing_key.x509"}) {
            copyIfPresent(obj.resolve(f), dest.resolve(f));
        }
        if (Files.isRegularFile(k.vmlinux())) {
            createDirectories(dest);
            exec.run("package-strip-vmlinux", Cmd.of(PackageCommands.stripDebug(k.vmlinux(), dest.resolve("vmlinux"))));
        }
        Path build = root.resolve("lib/modules").resolve(k.release()).resolve("build");
        try {
            createDirectories(build.getParent());
            Files.deleteIfExists(build);
            Files.createSymbolicLink(build, Path.of("/").resolve(develDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dest;
    }

    /** Object files and kbuild's .cmd records are build leftovers, not what M= needs. */
    private static boolean notObject(Path p) {
        String n = p.getFileName().toString();
        return !n.endsWith(".o") && !(n.startsWith(".") && n.endsWith(".cmd"));
    }

    /** Every {@code include} and {@code scripts} directory under arch/ARCH (builddeb's find ... -type d). */
    private static void copyArchDirectories(Path archSrc, Path archDest) {
        try (var s = Files.walk(archSrc)) {
            for (Path d : s.filter(Files::isDirectory).filter(d -> {
                String n = d.getFileName().toString();
                return n.equals("include") || n.equals("scripts");
            }).toList()) {
                copyTree(d, archDest.resolve(archSrc.relativize(d)), p -> true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        copyMatching(archSrc, archDest, Integer.MAX_VALUE, p -> {
            String n = p.getFileName().toString();
            return n.equals("Kbuild.platforms") || n.equals("Platform");
        });
    }

    private static void copyMatching(Path from, Path to, int depth, Predicate<Path> wanted) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (var s = Files.walk(from, depth)) {
            for (Path p : s.filter(Files::isRegularFile).filter(wanted).toList()) {
                copyFile(p, to.resolve(from.relativize(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Files and symbolic links (as links) under {@code from} for which {@code wanted} holds, mtimes kept. */
    static void copyTree(Path from, Path to, Predicate<Path> wanted) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try {
            Files.walkFileTree(from, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(from) && !wanted.test(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    if (wanted.test(file)) {
                        Path target = to.resolve(from.relativize(file).toString());
                        Files.deleteIfExists(target);
                        if (attrs.isSymbolicLink()) {
                            Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                        } else {
                            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copyIfPresent(Path from, Path to) {
        if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
            copyFile(from, to);
        }
    }

    static void copyFile(Path from, Path to) {
        try {
            createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
