package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kimg.config.ModuleDef;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.fs.Sha256;
import kimg.module.KernelArtifacts;

/** The DEBs (kimg's control files + dpkg-deb): linux-image, linux-headers, one per out-of-tree module; the repo. */
final class DebPackages {
    private DebPackages() {}

    static List<Path> build(PackageSettings s, KernelArtifacts k, List<ModuleDef> kmods, String arch, String debArch,
            Path work, Path outDir, int jobs, Exec exec) {
        String r = k.release();
        var made = new ArrayList<Path>();
        Path image = work.resolve("linux-image");
        PayloadTrees.kernel(k, arch, image);
        PackageRun.write(image.resolve("DEBIAN/control"), DebControl.image(r, s.release(), debArch), "rw-r--r--");
        PackageRun.write(image.resolve("DEBIAN/postinst"), DebControl.imagePostinst(r), "rwxr-xr-x");
        PackageRun.write(image.resolve("DEBIAN/postrm"), DebControl.imagePostrm(r), "rwxr-xr-x");
        made.add(dpkgDeb("deb-build-image", image, DebControl.packageName("linux-image-", r), r, s, debArch, outDir,
                exec));
        Path headers = work.resolve("linux-headers");
        Path devel = PayloadTrees.devel(k, arch, headers, "usr/src/linux-headers-" + r, exec);
        PackageRun.write(headers.resolve("DEBIAN/control"), DebControl.headers(r, s.release(), debArch), "rw-r--r--");
        made.add(dpkgDeb("deb-build-headers", headers, DebControl.packageName("linux-headers-", r), r, s, debArch,
                outDir, exec));
        for (ModuleDef m : kmods) {
            List<Path> kos = PackageRun.buildModule(m, k, devel, work, jobs, exec);
            Path tree = work.resolve("kmod-" + m.name() + "-tree");
            Path extra = tree.resolve("lib/modules").resolve(r).resolve("extra").resolve(m.name());
            kos.forEach(ko -> PayloadTrees.copyFile(ko, extra.resolve(ko.getFileName())));
            PackageRun.write(tree.resolve("DEBIAN/control"), DebControl.kmod(m.name(), r, s.release(), debArch),
                    "rw-r--r--");
            PackageRun.write(tree.resolve("DEBIAN/postinst"), DebControl.kmodScript(r), "rwxr-xr-x");
            PackageRun.write(tree.resolve("DEBIAN/postrm"), DebControl.kmodScript(r), "rwxr-xr-x");
            made.add(dpkgDeb("deb-build-" + m.name(), tree, DebControl.packageName(m.name() + "-", r), r, s, debArch,
                    outDir, exec));
        }
        return made;
    }

    private static Path dpkgDeb(String step, Path tree, String name, String r, PackageSettings s, String debArch,
            Path outDir, Exec exec) {
        PackageRun.createDirectories(outDir);
        Path deb = outDir.resolve(name + "_" + DebControl.version(r, s.release()) + "_" + debArch + ".deb");
        exec.run(step, Cmd.of(PackageCommands.dpkgDeb(tree, deb)));
        return deb;
    }

    /**
     * A flat apt repository ({@code deb [signed-by=DIR/signing-key.asc] file:DIR ./}): the DEBs, Packages from
     * dpkg-scanpackages, a Release that kimg writes, and InRelease/Release.gpg signed with the package key.
     */
    static void repository(List<Path> debs, SigningKey key, Path repo, Exec exec) {
        try {
            PackageRun.createDirectories(repo);
            debs.forEach(p -> PayloadTrees.copyFile(p, repo.resolve(p.getFileName())));
            List<String> packages = exec.capture("deb-build-repository",
                    Cmd.of(PackageCommands.dpkgScanPackages()).in(repo)).output().stream()
                    // its "info: Wrote N entries" goes to stderr, which the step merges into the output
                    .filter(l -> !l.startsWith("dpkg-scanpackages:")).toList();
            Path index = repo.resolve("Packages");
            Files.writeString(index, String.join("\n", packages) + "\n");
            String date = ZonedDateTime.now(ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT));
            Path release = repo.resolve("Release");
            Files.writeString(release, AptRelease.text("kimg kernel packages", date, List.of(
                    new AptRelease.Indexed("Packages", Files.size(index), Sha256.of(index)))));
            exec.run("signing-deb-inrelease", key.command(PackageCommands.gpgClearSign(key.gnupgHome(), key.keyId(),
                    release, repo.resolve("InRelease"))));
            exec.run("signing-deb-release", key.command(PackageCommands.gpgDetachSign(key.gnupgHome(), key.keyId(),
                    release, repo.resolve("Release.gpg"))));
            PayloadTrees.copyFile(key.publicKey(), repo.resolve(PackageRun.PUBLIC_KEY));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
