package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Drives= as mkosi v26 parses it ({@code parse_drive}); the expected fields are what the oracle
 * (/work/shared/oracle/mkosi-summary) printed for {@code Drives=scratch:1G test:512M:/tmp:discard=unmap:tf:persist}.
 */
class DriveTest {
    private static final Path PROJECT = Path.of("/home/dev/project");

    private static Drive parse(String raw) {
        return Drive.PARSER.parse(raw, Origin.given(PROJECT), "Drives");
    }

    private static ConfigError rejected(String raw) {
        return assertThrows(ConfigError.class, () -> parse(raw));
    }

    @Test
    void fieldsAsMkosiV26ResolvesThem() {
        Drive d = parse("scratch:1G");
        assertEquals("scratch", d.id());
        assertEquals(1073741824L, d.size().bytes());
        assertNull(d.directory());
        assertEquals("", d.options());
        assertEquals("scratch", d.fileId());
        assertEquals(List.of(), d.flags());

        Drive t = parse("test:512M:/tmp:discard=unmap:tf:persist");
        assertEquals(536870912L, t.size().bytes());
        assertEquals(Path.of("/tmp"), t.directory());
        assertEquals("discard=unmap", t.options());
        assertEquals("tf", t.fileId());
        assertEquals(List.of("persist"), t.flags());
        assertEquals("test:512M:/tmp:discard=unmap:tf:persist", t.toString());
    }

    @Test
    void emptyFieldsAreSkippedAndARelativeDirectoryIsTheConfigFilesDirectory() {
        Drive d = parse("myfs:1G::::persist");
        assertNull(d.directory());
        assertEquals("myfs", d.fileId());
        assertEquals(List.of("persist"), d.flags());
        assertEquals(PROJECT.resolve("drives"), parse("x:1M:drives").directory());
    }

    @Test
    void badDrivesNameTheProblem() {
        assertTrue(rejected("scratch").getMessage().contains("missing size"));
        assertTrue(rejected("a:1G:::::x").getMessage().contains("too many"));
        assertTrue(rejected("../x:1G").getMessage().contains("drive id"));
        assertTrue(rejected("-x:1G").getMessage().contains("drive id"));
        assertTrue(rejected("x:lots").getMessage().contains("not a size"));
        assertTrue(rejected("x:1G::::sometimes").getMessage().contains("unknown drive flag"));
        // An option may not point the drive at another file or rename it.
        assertTrue(rejected("x:1G::file.filename=/etc/shadow").getMessage().contains("option"));
        assertTrue(rejected("x:1G::node-name=y").getMessage().contains("option"));
        assertTrue(rejected("x:1G::discard").getMessage().contains("option"));
    }

    @Test
    void layoutNamesFilesAsMkosiAndGivesKimgAttachedDrivesVdLettersInOrder() {
        Config c = Config.ofValues(PROJECT, Map.of("Drives", List.of("a:1G", "b:2G::::", "c:1G::::persist",
                "d:3G:/srv:::", "e:5G::::"), "QemuArgs", List.of("-device", "nvme,serial=b,drive=b")));
        DriveLayout l = DriveLayout.of(c);
        Path dir = PROJECT.resolve("mkosi.builddir/debian~bookworm~x86-64/drives");
        assertEquals(dir.resolve("mkosi-drive-image-a"), l.drives().get(0).file());
        assertEquals("/dev/vda", l.drives().get(0).guestDevice());
        assertNull(l.drives().get(1).guestDevice());
        assertEquals("/dev/vdb", l.drives().get(2).guestDevice());
        assertEquals(Path.of("/srv/mkosi-drive-image-d"), l.drives().get(3).file());
        assertEquals("/dev/vdd", l.drives().get(4).guestDevice());
        assertEquals(List.of("a", "c", "d", "e"), l.attachedByKimg().stream().map(p -> p.drive().id()).toList());
    }

    @Test
    void drivesSharingAFileIdShareTheFirstOnesFileAndSize() {
        Config c = Config.ofValues(PROJECT, Map.of("Drives", List.of("a:1G:/srv::f", "b:2G:/tmp::f")));
        DriveLayout l = DriveLayout.of(c);
        assertEquals(l.drives().get(0).file(), l.drives().get(1).file());
        assertEquals(Path.of("/srv/mkosi-drive-image-f"), l.drives().get(1).file());
        assertEquals(1L << 30, l.drives().get(1).size().bytes());
    }

    @Test
    void diskLettersFollowTheKernelsScheme() {
        assertEquals("a", DriveLayout.diskLetters(0));
        assertEquals("z", DriveLayout.diskLetters(25));
        assertEquals("aa", DriveLayout.diskLetters(26));
        assertEquals("ab", DriveLayout.diskLetters(27));
    }

    @Test
    void onlyADrivePropertyOfAnArgumentCounts() {
        assertTrue(DriveLayout.namedByQemuArgs(List.of("-device", "nvme,drive=x,serial=x"), "x"));
        assertTrue(!DriveLayout.namedByQemuArgs(List.of("-device", "nvme,drive=xy"), "x"));
    }

    @Test
    void summaryShowsEachDrivesGuestDeviceAndFile() {
        Config c = Config.ofValues(PROJECT, Map.of("Drives", List.of("scratch:1G", "nv:2G"),
                "QemuArgs", List.of("-device", "nvme,serial=nv,drive=nv")));
        String text = Summary.text(c);
        assertTrue(text.contains("  scratch 1G → /dev/vda (virtio-blk)    # " + PROJECT
                + "/mkosi.builddir/debian~bookworm~x86-64/drives/mkosi-drive-image-scratch\n"), text);
        assertTrue(text.contains("  nv 2G → attached by QemuArgs="), text);
    }
}
