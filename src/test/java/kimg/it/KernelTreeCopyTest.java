package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link KernelTreeCopy#relocate}: what kbuild compares moves to the new paths, objects and mtimes stay. */
class KernelTreeCopyTest {
    @TempDir
    Path build;

    @Test
    void recordedCommandsDependencyListsAndLinksMoveObjectsDoNot() throws Exception {
        Path cmd = Files.createDirectories(build.resolve("fs/minix")).resolve(".inode.o.cmd");
        Files.writeString(cmd, "cmd_fs/minix/inode.o := gcc -I/old/src/include -Wp,-MMD,/old/build/x.d\n"
                + "deps_fs/minix/inode.o := \\\n  /old/src/fs/minix/inode.c \\\n");
        FileTime mtime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(cmd, mtime);
        Path depfile = build.resolve("tools/objtool/.check.o.d");
        Files.createDirectories(depfile.getParent());
        Files.writeString(depfile, "/old/build/tools/objtool/check.o: /old/src/tools/objtool/check.c\n");
        Path object = build.resolve("fs/minix/inode.o");
        Files.writeString(object, "DW_AT_comp_dir /old/build");
        Path link = build.resolve("source");
        Files.createSymbolicLink(link, Path.of("/old/src"));

        KernelTreeCopy.relocate(build, Map.of("/old/src", "/new/linux", "/old/build", "/new/build"));

        assertEquals("cmd_fs/minix/inode.o := gcc -I/new/linux/include -Wp,-MMD,/new/build/x.d\n"
                + "deps_fs/minix/inode.o := \\\n  /new/linux/fs/minix/inode.c \\\n", Files.readString(cmd));
        assertEquals(mtime, Files.getLastModifiedTime(cmd), "make compares mtimes too");
        assertEquals("/new/build/tools/objtool/check.o: /new/linux/tools/objtool/check.c\n", Files.readString(depfile));
        assertEquals("DW_AT_comp_dir /old/build", Files.readString(object));
        assertEquals(Path.of("/new/linux"), Files.readSymbolicLink(link));
    }
}
