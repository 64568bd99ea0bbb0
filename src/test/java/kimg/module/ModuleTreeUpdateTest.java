package kimg.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental modules install and the depmod input digest, on real ELF relocatable files compiled by the
 * host's gcc (a kernel module is one: {@code ld -r} output with a .modinfo section).
 */
class ModuleTreeUpdateTest {
    @TempDir
    Path dir;

    /** Compiles {@code source} to an ELF relocatable object at {@code out}, with DWARF (as the kernel's modules). */
    private Path compile(String source, Path out) throws IOException, InterruptedException {
        Files.createDirectories(out.getParent());
        Path c = Files.createTempFile(dir, "mod", ".c");
        Files.writeString(c, source);
        Process p = new ProcessBuilder("gcc", "-g", "-c", "-o", out.toString(), c.toString()).inheritIO().start();
        assertEquals(0, p.waitFor(), "gcc");
        return out;
    }

    private static String module(String message, String alias, String extraCall) {
        return """
                extern int printk(const char *, ...);
                extern int other_symbol(void);
                static const char info[] __attribute__((section(".modinfo"), used)) = "alias=%s";
                int init_mod(void) { %s return printk("%s"); }
                """.formatted(alias, extraCall, message);
    }

    @Test
    void bodyEditKeepsTheDigestSymbolsAndAliasesChangeIt() throws Exception {
        var a = DepmodInputs.digest(compile(module("one", "fs-x", ""), dir.resolve("a.ko")));
        var b = DepmodInputs.digest(compile(module("two, a longer message", "fs-x", ""), dir.resolve("b.ko")));
        var alias = DepmodInputs.digest(compile(module("one", "fs-y", ""), dir.resolve("c.ko")));
        var call = DepmodInputs.digest(compile(module("one", "fs-x", "other_symbol();"), dir.resolve("d.ko")));
        assertTrue(a.isPresent());
        assertEquals(a, b);
        assertNotEquals(a, alias);
        assertNotEquals(a, call);
        Files.writeString(dir.resolve("e.ko"), "not an ELF file");
        assertEquals(Optional.empty(), DepmodInputs.digest(dir.resolve("e.ko")));
    }

    /** A build directory with one module and the lists kbuild writes next to it. */
    private Path build(String message, String alias) throws Exception {
        Path build = Files.createDirectories(dir.resolve("build"));
        compile(module(message, alias, ""), build.resolve("fs/x/x.ko"));
        Files.writeString(build.resolve("modules.order"), "fs/x/x.o\n");
        Files.writeString(build.resolve("modules.builtin"), "kernel/fs/y/y.ko\n");
        Files.writeString(build.resolve("modules.builtin.modinfo"), "y.alias=fs-y\0");
        return build;
    }

    /** What depmod and modules_install would have left: the files a complete install has. */
    private static void completeInstall(ModuleTreeUpdate update, Path build, Path release) throws IOException {
        update.applyFiles(build, release, null);
        for (String f : ModuleTreeUpdate.DEPMOD_OUTPUTS) {
            Files.writeString(release.resolve(f), "");
        }
    }

    @Test
    void copiesOnlyChangedModulesAndRunsDepmodOnlyWhenItsInputChanged() throws Exception {
        Path build = build("one", "fs-x");
        Path release = dir.resolve("modules/6.1.0");
        ModuleTreeUpdate first = ModuleTreeUpdate.between(build, release, false);
        assertEquals(List.of("fs/x/x.ko"), first.copies());
        assertTrue(first.depmod().isPresent());
        completeInstall(first, build, release);
        assertEquals("kernel/fs/x/x.ko\n", Files.readString(release.resolve("modules.order")), "kbuild's layout");
        assertTrue(ModuleTreeUpdate.between(build, release, false).isEmpty(), "nothing changed");

        compile(module("an edited message", "fs-x", ""), build.resolve("fs/x/x.ko"));
        Files.setLastModifiedTime(build.resolve("fs/x/x.ko"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        ModuleTreeUpdate edited = ModuleTreeUpdate.between(build, release, false);
        assertEquals(List.of("fs/x/x.ko"), edited.copies());
        assertEquals(Optional.empty(), edited.depmod(), "a body edit leaves depmod's input alone");
        edited.applyFiles(build, release, null);
        assertEquals(-1, Files.mismatch(build.resolve("fs/x/x.ko"), release.resolve("kernel/fs/x/x.ko")));

        compile(module("an edited message", "fs-z", ""), build.resolve("fs/x/x.ko"));
        Files.setLastModifiedTime(build.resolve("fs/x/x.ko"), FileTime.fromMillis(System.currentTimeMillis() + 9000));
        assertTrue(ModuleTreeUpdate.between(build, release, false).depmod().orElseThrow().contains("fs/x/x.ko"));
    }

    @Test
    void removedModulesAndChangedListsMeanDepmod() throws Exception {
        Path build = build("one", "fs-x");
        Path release = dir.resolve("modules/6.1.0");
        completeInstall(ModuleTreeUpdate.between(build, release, false), build, release);
        compile(module("gone", "fs-old", ""), release.resolve("kernel/fs/old/old.ko"));
        ModuleTreeUpdate removed = ModuleTreeUpdate.between(build, release, false);
        assertEquals(List.of("fs/old/old.ko"), removed.removals());
        assertTrue(removed.depmod().isPresent());
        removed.applyFiles(build, release, null);
        assertFalse(Files.exists(release.resolve("kernel/fs/old/old.ko")));
        assertTrue(ModuleTreeUpdate.between(build, release, false).isEmpty());

        Files.writeString(build.resolve("modules.builtin"), "kernel/fs/y/y.ko\nkernel/fs/w/w.ko\n");
        ModuleTreeUpdate builtin = ModuleTreeUpdate.between(build, release, false);
        assertEquals(List.of("modules.builtin"), builtin.lists().stream().map(ModuleTreeUpdate.Listing::name).toList());
        assertTrue(builtin.depmod().isPresent());

        Files.delete(release.resolve("modules.dep.bin"));
        assertEquals(Optional.of("modules.builtin changed"), ModuleTreeUpdate.between(build, release, false).depmod());
    }

    /** Appends what sign-file appends: a signature blob, then the marker (the blob's content does not matter here). */
    private static void fakeSign(Path ko) {
        try {
            Files.write(ko, ("SIGNATURE-BLOB" + ModuleSigning.MARKER).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void signedCopiesCountAsInstalledUntilTheModuleIsRebuilt() throws Exception {
        Path build = build("one", "fs-x");
        Path release = dir.resolve("modules/6.1.0");
        var signed = new java.util.ArrayList<Path>();
        completeInstall(ModuleTreeUpdate.between(build, release, true), build, release);
        ModuleTreeUpdate.between(build, release, true).applyFiles(build, release, ko -> { signed.add(ko); fakeSign(ko); });
        // completeInstall copied unsigned: a signed install must sign it, so the first look copies again.
        assertEquals(1, signed.size(), "the unsigned copy was signed");
        Path installed = release.resolve("kernel/fs/x/x.ko");
        assertTrue(Files.readString(installed, java.nio.charset.StandardCharsets.ISO_8859_1).endsWith(ModuleSigning.MARKER));
        assertEquals(Files.getLastModifiedTime(build.resolve("fs/x/x.ko")), Files.getLastModifiedTime(installed));
        assertTrue(ModuleTreeUpdate.between(build, release, true).isEmpty(), "signed copy of the same build");

        compile(module("two, a longer message", "fs-x", ""), build.resolve("fs/x/x.ko"));
        Files.setLastModifiedTime(build.resolve("fs/x/x.ko"), FileTime.fromMillis(System.currentTimeMillis() + 5000));
        ModuleTreeUpdate edited = ModuleTreeUpdate.between(build, release, true);
        assertEquals(List.of("fs/x/x.ko"), edited.copies());
        assertEquals(Optional.empty(), edited.depmod(), "a body edit leaves depmod's input alone, signature or not");
    }

    /** Runs {@code argv} (the host's strip here), failing the test on a non-zero exit. */
    private static void run(List<String> argv) {
        try {
            assertEquals(0, new ProcessBuilder(argv).inheritIO().start().waitFor(), argv.toString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean hasDebugInfo(Path ko) throws IOException {
        return Files.readString(ko, java.nio.charset.StandardCharsets.ISO_8859_1).contains(".debug_info");
    }

    @Test
    void copiesAreStrippedThenSignedAndStillCountAsInstalled() throws Exception {
        Path build = build("one", "fs-x");
        Path release = dir.resolve("modules/6.1.0");
        MakeCommands make = new MakeCommands(dir.resolve("linux"), build, 1, List.of());
        var order = new java.util.ArrayList<String>();
        java.util.function.Consumer<Path> finish = ko -> {
            order.add("strip");
            run(make.stripDebug(ko));
            order.add("sign");
            fakeSign(ko);
        };
        ModuleTreeUpdate first = ModuleTreeUpdate.between(build, release, true);
        first.applyFiles(build, release, finish);
        for (String f : ModuleTreeUpdate.DEPMOD_OUTPUTS) {
            Files.writeString(release.resolve(f), "");
        }
        assertEquals(List.of("strip", "sign"), order);
        Path built = build.resolve("fs/x/x.ko");
        Path installed = release.resolve("kernel/fs/x/x.ko");
        assertTrue(hasDebugInfo(built), "the build directory keeps the full module for gdb");
        assertFalse(hasDebugInfo(installed), "the installed copy is stripped");
        assertTrue(Files.size(installed) < Files.size(built), Files.size(installed) + " < " + Files.size(built));
        assertEquals(DepmodInputs.digest(built), DepmodInputs.digest(installed), "strip keeps what depmod reads");
        assertTrue(ModuleTreeUpdate.between(build, release, true).isEmpty(), "a stripped, signed copy is installed");

        // A copy whose finishing failed half-way (stripped, not yet signed) never got the built file's mtime back,
        // nor a marker: it is copied again.
        Files.copy(built, installed, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        run(make.stripDebug(installed));
        assertEquals(List.of("fs/x/x.ko"), ModuleTreeUpdate.between(build, release, true).copies());
    }

    @Test
    void signFileArgvIsKbuildsAndTheKeyIsFoundLikeKbuildFindsIt() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("linux"));
        Path build = Files.createDirectories(dir.resolve("build"));
        KconfigValues config = KconfigValues.parse(List.of("CONFIG_MODULE_SIG_ALL=y",
                "CONFIG_MODULE_SIG_KEY=\"certs/signing_key.pem\"", "CONFIG_MODULE_SIG_HASH=\"sha512\""));
        // Not generated yet in the build directory: kbuild falls back to the source tree's file.
        assertEquals(tree.resolve("certs/signing_key.pem"), ModuleSigning.of(config, tree, build).orElseThrow().key());
        Files.createDirectories(build.resolve("certs"));
        Files.writeString(build.resolve("certs/signing_key.pem"), "");
        ModuleSigning s = ModuleSigning.of(config, tree, build).orElseThrow();
        kimg.Golden.assertArgv("module/make/sign-file.argv", s.argv(build, build.resolve("fs/x/x.ko")).stream()
                .map(a -> a.replace(dir.toString(), "$DIR")).toList());
        assertEquals(Optional.empty(), ModuleSigning.of(KconfigValues.parse(List.of("CONFIG_MODULE_SIG=y")), tree, build));
        KconfigValues pkcs11 = KconfigValues.parse(List.of("CONFIG_MODULE_SIG_ALL=y",
                "CONFIG_MODULE_SIG_KEY=\"pkcs11:token=x\"", "CONFIG_MODULE_SIG_HASH=\"sha512\""));
        assertTrue(KernelBuilder.fullInstallReason(pkcs11, tree, build, dir.resolve("none")).contains("pkcs11:"));
    }
}
