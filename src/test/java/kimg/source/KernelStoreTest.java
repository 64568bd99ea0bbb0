package kimg.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kimg.config.Architecture;
import kimg.fs.Sha256;
import kimg.ui.Console;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store finds a build by its hash: the same inputs under another readable part (a ref written as a tag, then
 * as its SHA) are a hit, and say so; a different hash is a miss even when its first 8 hex digits are the same.
 */
class KernelStoreTest {
    static final String HASH = Sha256.of("source t1\narch x86\n");
    static final String RELEASE = "6.1.150-v6.1.150-" + HASH.substring(0, 8);

    @TempDir
    Path tmp;

    KernelStore store;
    BuildIdentity tag = new BuildIdentity("v6.1.150", HASH);
    /** The same build asked for by its commit: KernelRef=<sha> makes the readable part the SHA's first 12 hex. */
    BuildIdentity sha = new BuildIdentity("0123456789ab", HASH);

    @BeforeEach
    void storeTheTagsBuild() throws Exception {
        store = new KernelStore(tmp.resolve("store"));
        Path build = Files.createDirectories(tmp.resolve("build"));
        Files.writeString(build.resolve("bzImage"), "image of " + RELEASE);
        Files.writeString(build.resolve("vmlinux"), "vmlinux");
        Files.writeString(build.resolve("System.map"), "map");
        Path modules = Files.createDirectories(tmp.resolve("modules").resolve(RELEASE));
        Files.writeString(modules.resolve("modules.dep"), "");
        Files.createSymbolicLink(modules.resolve("build"), build);
        store.put(tag, RELEASE, build.resolve("bzImage"), build.resolve("vmlinux"), build.resolve("System.map"),
                modules);
    }

    @Test
    void theSameHashUnderAnotherReadableNameIsAHit() throws Exception {
        KernelStore.Entry e = store.lookup(sha, "bzImage").orElseThrow();
        assertEquals(tag.name(), e.name());
        assertEquals(RELEASE, e.release());
        assertEquals("image of " + RELEASE, Files.readString(e.image()));
        assertTrue(Files.isSymbolicLink(e.modulesDir().resolve("build")));
        assertEquals(tag.name(), store.lookup(tag, "bzImage").orElseThrow().name());
    }

    @Test
    void putOfTheSameBuildUnderAnotherNameKeepsTheOneEntry() throws Exception {
        Path other = Files.createDirectories(tmp.resolve("other"));
        for (String f : List.of("bzImage", "vmlinux", "System.map")) {
            Files.writeString(other.resolve(f), f);
        }
        KernelStore.Entry e = store.put(sha, RELEASE, other.resolve("bzImage"), other.resolve("vmlinux"),
                other.resolve("System.map"), Files.createDirectories(other.resolve("modules/" + RELEASE)));
        assertEquals(tag.name(), e.name());
        assertFalse(Files.exists(store.root().resolve(sha.name())));
    }

    @Test
    void aDifferentHashWithTheSameFirstEightDigitsIsAMiss() {
        String near = HASH.substring(0, 8) + (HASH.charAt(8) == '0' ? '1' : '0') + HASH.substring(9);
        assertTrue(store.lookup(new BuildIdentity("0123456789ab", near), "bzImage").isEmpty());
        assertTrue(store.lookup(new BuildIdentity("v6.1.151", Sha256.of("other")), "bzImage").isEmpty());
    }

    @Test
    void anEntryWithoutAHashFileIsFoundByItsNameOnly() throws Exception {
        String old = Sha256.of("stored before the hash file");
        Path dir = Files.createDirectories(store.root().resolve("v6.1.100-" + old.substring(0, 8)));
        Files.writeString(dir.resolve(KernelStore.RELEASE_FILE), "6.1.100-v6.1.100-" + old.substring(0, 8) + "\n");
        assertTrue(store.lookup(new BuildIdentity("v6.1.100", old), "bzImage").isPresent());
        assertTrue(store.lookup(new BuildIdentity("fedcba987654", old), "bzImage").isEmpty());
    }

    @Test
    void reuseSaysItIsAStoreHitUnderTheOtherNameAndBootsThatIdentity() throws Exception {
        var out = new ByteArrayOutputStream();
        Console console = Console.plain(new PrintStream(out, true, StandardCharsets.UTF_8));
        Path emptyBuildDir = Files.createDirectories(tmp.resolve("worktree.o"));
        IdentityReuse.Hit hit = IdentityReuse.lookup(sha, emptyBuildDir, tmp.resolve("none"), Architecture.X86_64,
                store, IdentityReuse.Scope.ANYWHERE, console).orElseThrow();
        assertEquals(tag, hit.identity(), "the identity of what boots: its release says v6.1.150");
        assertEquals(RELEASE, hit.release());
        assertFalse(hit.inBuildDirectory());
        String said = out.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("reuse: store hit under " + tag.name() + " for " + sha.name()), said);

        out.reset();
        assertTrue(IdentityReuse.lookup(sha, emptyBuildDir, tmp.resolve("none"), Architecture.X86_64, store,
                IdentityReuse.Scope.NONE, console).isEmpty(), "-f reuses");

        // kimg package reads the build directory (the -devel tree): a kernel only the store holds is built there.
        out.reset();
        assertTrue(IdentityReuse.lookup(tag, emptyBuildDir, tmp.resolve("none"), Architecture.X86_64, store,
                IdentityReuse.Scope.BUILD_DIRECTORY, console).isEmpty(), "package took a store hit");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("reuse: " + tag.name() + " is in the store but not"
                + " in " + emptyBuildDir), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theBuildDirectorysOwnCompleteBuildIsAHitForPackagingToo() throws Exception {
        Path buildDir = Files.createDirectories(tmp.resolve("worktree.o"));
        Files.createDirectories(buildDir.resolve("arch/x86/boot"));
        Files.writeString(buildDir.resolve(Architecture.X86_64.imagePath()), "image");
        Files.createDirectories(buildDir.resolve("include/config"));
        Files.writeString(buildDir.resolve("include/config/kernel.release"), RELEASE + "\n");
        Path modulesRoot = tmp.resolve("modules");
        IdentityReuse.markBuilt(tag, buildDir);
        assertEquals(java.util.Optional.of(tag.name()), IdentityReuse.lastBuilt(buildDir));
        Console quiet = Console.plain(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (IdentityReuse.Scope scope : List.of(IdentityReuse.Scope.ANYWHERE, IdentityReuse.Scope.BUILD_DIRECTORY)) {
            IdentityReuse.Hit hit = IdentityReuse.lookup(tag, buildDir, modulesRoot, Architecture.X86_64, store, scope,
                    quiet).orElseThrow();
            assertTrue(hit.inBuildDirectory(), scope.toString());
            assertEquals(RELEASE, hit.release());
        }
        IdentityReuse.forget(buildDir);
        assertTrue(IdentityReuse.lastBuilt(buildDir).isEmpty());
    }
}
