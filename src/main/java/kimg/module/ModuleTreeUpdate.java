package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What an incremental {@code modules_install} has to do to an installed release directory
 * ({@code modules/<release>/}) so that it matches the build directory again: the same layout kbuild's
 * {@code modules_install} writes (Linux 6.1 Makefile, target modules_install, and scripts/Makefile.modinst), but
 * only the modules that changed are copied, and depmod runs only when its input changed.
 *
 * <p>The layout: {@code kernel/<path>.ko} for each line of the build's modules.order; modules.order with a
 * {@code kernel/} prefix on each line; modules.builtin and modules.builtin.modinfo as they are; the {@code source}
 * and {@code build} links; the depmod index files.
 *
 * <p>Each copy is finished as kbuild's {@code modules_install INSTALL_MOD_STRIP=1} finishes it: stripped of its
 * debug sections, then signed when the kernel signs modules ({@link ModuleSigning}); the build directory keeps the
 * full module for gdb. A module counts as changed when its mtime differs from the installed copy's: kimg gives
 * the copy the built file's mtime only once it is stripped and signed (kbuild's own install leaves the time of
 * the install, so its copies are replaced once). Sizes say nothing, the copy being stripped; with signing the
 * copy must also end with sign-file's marker.
 *
 * <p>depmod's output depends only on the set of modules and their order, on modules.builtin(.modinfo), and on each
 * module's depmod input ({@link DepmodInputs}, which stripping leaves alone); so when every changed module has the
 * digest its installed copy had, and the set, order and builtin lists are the same, depmod would write the same
 * files and is skipped. Anything not understood (no digest) means depmod runs.
 *
 * @param copies     modules to copy, relative to the build directory (e.g. {@code fs/minix/minix.ko})
 * @param removals   installed modules no longer built, relative to the release directory's {@code kernel/}
 * @param lists      top-level files to write: name in the release directory to its content
 * @param depmod     why depmod must run, or empty when its output would not change
 */
record ModuleTreeUpdate(List<String> copies, List<String> removals, List<Listing> lists, Optional<String> depmod) {

    /** A small top-level file of the release directory and the content it must have. */
    record Listing(String name, byte[] content) {}

    /** Files of the release directory depmod writes; a missing one means depmod runs. */
    static final List<String> DEPMOD_OUTPUTS = List.of("modules.dep", "modules.dep.bin", "modules.alias.bin",
            "modules.symbols.bin", "modules.builtin.bin");

    ModuleTreeUpdate {
        copies = List.copyOf(copies);
        removals = List.copyOf(removals);
        lists = List.copyOf(lists);
    }

    boolean isEmpty() {
        return copies.isEmpty() && removals.isEmpty() && lists.isEmpty() && depmod.isEmpty();
    }

    /**
     * Compares the build directory's modules with the installed release directory.
     *
     * @param buildDir   the O= directory, holding modules.order, modules.builtin(.modinfo) and the .ko files
     * @param releaseDir {@code modules/<release>}, a complete earlier install (it has modules.dep)
     * @throws UncheckedIOException when a file cannot be read
     */
    static ModuleTreeUpdate between(Path buildDir, Path releaseDir, boolean signed) {
        List<String> order = read(buildDir.resolve("modules.order")).lines()
                .filter(l -> !l.isBlank())
                // 6.1 lists fs/minix/minix.ko; from 6.2 on modules.order lists the .o the .ko is linked from.
                .map(l -> l.endsWith(".o") ? l.substring(0, l.length() - 2) + ".ko" : l)
                .toList();
        Path installedKernel = releaseDir.resolve("kernel");
        var copies = new ArrayList<String>();
        String depmod = null;
        for (String module : order) {
            Path built = buildDir.resolve(module);
            Path installed = installedKernel.resolve(module);
            if (!Files.isRegularFile(installed)) {
                copies.add(module);
                depmod = firstOf(depmod, "new module " + module);
            } else if (!installedFrom(built, installed, signed)) {
                copies.add(module);
                Optional<String> before = DepmodInputs.digest(installed);
                if (before.isEmpty() || !before.equals(DepmodInputs.digest(built))) {
                    depmod = firstOf(depmod, "symbols, aliases or dependencies of " + module + " changed");
                }
            }
        }
        var removals = new ArrayList<String>();
        Set<String> wanted = new HashSet<>(order);
        for (String module : installedModules(installedKernel)) {
            if (!wanted.contains(module)) {
                removals.add(module);
                depmod = firstOf(depmod, "module " + module + " is no longer built");
            }
        }
        var lists = new ArrayList<Listing>();
        String installedOrder = order.stream().map(m -> "kernel/" + m + "\n").reduce("", String::concat);
        for (Listing l : List.of(new Listing("modules.order", installedOrder.getBytes(StandardCharsets.UTF_8)),
                new Listing("modules.builtin", bytes(buildDir.resolve("modules.builtin"))),
                new Listing("modules.builtin.modinfo", bytes(buildDir.resolve("modules.builtin.modinfo"))))) {
            Path current = releaseDir.resolve(l.name());
            if (!Files.isRegularFile(current) || !Arrays.equals(bytes(current), l.content())) {
                lists.add(l);
                depmod = firstOf(depmod, l.name() + " changed");
            }
        }
        for (String output : DEPMOD_OUTPUTS) {
            if (!Files.isRegularFile(releaseDir.resolve(output))) {
                depmod = firstOf(depmod, "no " + output);
            }
        }
        return new ModuleTreeUpdate(copies, removals, lists, Optional.ofNullable(depmod));
    }

    /**
     * Applies the copies, removals and lists, each file replaced by a rename so that a guest that loads a module
     * meanwhile sees the old file or the new one, never half of one. {@code finish} (commands, so the caller's:
     * strip, then sign) works on each copy in place before its rename, or is null; the copy then gets the built
     * file's mtime back, which is what marks it installed. depmod is the caller's too.
     */
    void applyFiles(Path buildDir, Path releaseDir, Consumer<Path> finish) {
        try {
            for (String module : copies) {
                Path target = releaseDir.resolve("kernel").resolve(module);
                Files.createDirectories(target.getParent());
                Path temp = target.resolveSibling("." + target.getFileName() + ".kimg-new");
                Path built = buildDir.resolve(module);
                Files.copy(built, temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                if (finish != null) {
                    finish.accept(temp);
                    Files.setLastModifiedTime(temp, Files.getLastModifiedTime(built));
                }
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            for (String module : removals) {
                Files.deleteIfExists(releaseDir.resolve("kernel").resolve(module));
            }
            for (Listing l : lists) {
                Path target = releaseDir.resolve(l.name());
                Path temp = target.resolveSibling("." + l.name() + ".kimg-new");
                Files.write(temp, l.content());
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + releaseDir + ": " + e.getMessage(), e);
        }
    }

    /** The installed .ko files under {@code kernel/}, relative to it. */
    private static List<String> installedModules(Path installedKernel) {
        if (!Files.isDirectory(installedKernel)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(installedKernel)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ko") && Files.isRegularFile(p))
                    .map(p -> installedKernel.relativize(p).toString())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether {@code installed} is kimg's finished copy of {@code built} as it is now (stripped, and signed when
     * {@code signed}): it has the built file's mtime, which {@link #applyFiles} sets last.
     */
    private static boolean installedFrom(Path built, Path installed, boolean signed) {
        try {
            BasicFileAttributes x = Files.readAttributes(built, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            BasicFileAttributes y = Files.readAttributes(installed, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // Milliseconds: the copy's time is set through an interface that may keep microseconds only.
            if (x.lastModifiedTime().toMillis() != y.lastModifiedTime().toMillis() || y.size() == 0) {
                return false;
            }
            if (!signed) {
                return true;
            }
            byte[] marker = ModuleSigning.MARKER.getBytes(StandardCharsets.US_ASCII);
            if (y.size() <= marker.length) {
                return false;
            }
            try (var f = java.nio.channels.FileChannel.open(installed)) {
                var tail = java.nio.ByteBuffer.allocate(marker.length);
                f.read(tail, y.size() - marker.length);
                return Arrays.equals(tail.array(), marker);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstOf(String reason, String another) {
        return reason != null ? reason : another;
    }

    private static String read(Path file) {
        return new String(bytes(file), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
