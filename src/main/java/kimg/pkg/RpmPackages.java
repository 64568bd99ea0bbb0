package kimg.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import kimg.config.ModuleDef;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.module.KernelArtifacts;

/** The RPMs: kernel + kernel-devel from one spec, one package per out-of-tree module; signing; the repository. */
final class RpmPackages {
    private RpmPackages() {}

    static List<Path> build(PackageSettings s, KernelArtifacts k, List<ModuleDef> kmods, String arch, String rpmArch,
            Path work, Path outDir, int jobs, Exec exec) {
        String r = k.release();
        Path stage = work.resolve("stage");
        PayloadTrees.kernel(k, arch, stage);
        Path devel = PayloadTrees.devel(k, arch, stage, "usr/src/kernels/" + r, exec);
        Path spec = work.resolve("kernel.spec");
        PackageRun.write(spec, RpmSpec.kernel(s.packageName(r), s.release(), r), "rw-r--r--");
        var made = new ArrayList<Path>(rpmbuild("rpm-build-kernel", work.resolve("top"), stage, spec, rpmArch, outDir,
                exec));
        for (ModuleDef m : kmods) {
            List<Path> kos = PackageRun.buildModule(m, k, devel, work, jobs, exec);
            Path kstage = work.resolve("kmod-" + m.name() + "-stage");
            Path extra = kstage.resolve("lib/modules").resolve(r).resolve("extra").resolve(m.name());
            kos.forEach(ko -> PayloadTrees.copyFile(ko, extra.resolve(ko.getFileName())));
            Path kspec = work.resolve(m.name() + ".spec");
            PackageRun.write(kspec, RpmSpec.kmod(m.name(), s.release(), r,
                    kos.stream().map(p -> p.getFileName().toString()).toList()), "rw-r--r--");
            made.addAll(rpmbuild("rpm-build-" + m.name(), work.resolve("top-" + m.name()), kstage, kspec, rpmArch,
                    outDir, exec));
        }
        return made;
    }

    private static List<Path> rpmbuild(String step, Path top, Path stage, Path spec, String rpmArch, Path outDir,
            Exec exec) {
        exec.run(step, Cmd.of(PackageCommands.rpmbuild(top.toAbsolutePath(), stage.toAbsolutePath(), spec, rpmArch)));
        try (var s = Files.walk(top.resolve("RPMS"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".rpm")).sorted().toList().stream()
                    .map(p -> PackageRun.moveInto(p, outDir)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * rpm --addsign with kimg's macros file, then rpm -K against an rpm database of kimg's own holding only the
     * signing key: "signatures OK" for every package, or the step fails.
     */
    static void signAndVerify(List<Path> rpms, SigningKey key, Path work, Exec exec) {
        Path macros = work.resolve("rpm-sign.macros");
        PackageRun.write(macros, PackageCommands.rpmSignMacros(key.gnupgHome(), key.keyId(),
                PackageCommands.onPath("gpg", System.getenv("PATH"))), "rw-------");
        exec.run("signing-rpm", key.command(PackageCommands.rpmSign(macros, rpms)));
        Path db = work.resolve("rpmdb").toAbsolutePath();
        PackageRun.createDirectories(db);
        exec.run("signing-rpm-initdb", Cmd.of(PackageCommands.rpmInitDb(db)));
        exec.run("signing-rpm-import", Cmd.of(PackageCommands.rpmImport(db, key.publicKey())));
        List<String> lines = exec.capture("signing-rpm-check", Cmd.of(PackageCommands.rpmCheck(db, rpms))).output();
        for (Path rpm : rpms) {
            boolean ok = lines.stream().anyMatch(l -> l.startsWith(rpm + ":") && l.contains("signatures OK"));
            if (!ok) {
                throw new StepFailed("signing-rpm-check", null, 1, lines);
            }
        }
    }

    /** A repository of the RPMs with createrepo_c, its repomd.xml signed (repomd.xml.asc, dnf's repo_gpgcheck). */
    static void repository(List<Path> rpms, SigningKey key, Path repo, Exec exec) {
        PackageRun.createDirectories(repo);
        rpms.forEach(p -> PayloadTrees.copyFile(p, repo.resolve(p.getFileName())));
        exec.run("rpm-build-repository", Cmd.of(PackageCommands.createrepo(repo)));
        Path repomd = repo.resolve("repodata/repomd.xml");
        exec.run("signing-rpm-repository", key.command(PackageCommands.gpgDetachSign(key.gnupgHome(), key.keyId(),
                repomd, repo.resolve("repodata/repomd.xml.asc"))));
        PayloadTrees.copyFile(key.publicKey(), repo.resolve("RPM-GPG-KEY-kimg"));
    }
}
