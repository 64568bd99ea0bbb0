package kimg.vm;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import kimg.config.ConfigError;
import kimg.config.DriveLayout;
import kimg.config.Settings;
import kimg.exec.StepFailed;
import kimg.ui.Console;

/**
 * Creates the backing files of Drives= before a boot: sparse files of the drive's size, kept across boots (a
 * scratch file system made in one boot is there in the next; mkosi keeps only {@code persist} drives). A file
 * smaller than asked for grows (sparse); a larger one is kept as it is, with a warning, so a smaller size in the
 * config never cuts off data. kimg never removes a drive file except with the build directory ({@code clean -f}).
 */
final class DriveFiles {
    private DriveFiles() {}

    /** @throws ConfigError when a drive's DIR does not exist; StepFailed when a file cannot be made */
    static void ensure(DriveLayout layout, Path defaultDirectory, Console console) {
        Set<Path> done = new HashSet<>();
        for (DriveLayout.Placed p : layout.drives()) {
            if (!done.add(p.file())) {
                continue;
            }
            Path dir = p.file().getParent();
            try {
                if (dir.equals(defaultDirectory)) {
                    Files.createDirectories(dir);
                } else if (!Files.isDirectory(dir)) {
                    throw new ConfigError(null, Settings.DRIVES.name(), "drive '" + p.drive().id()
                            + "': directory " + dir + " does not exist");
                }
                try (var f = new RandomAccessFile(p.file().toFile(), "rw")) {
                    long want = p.size().bytes();
                    if (f.length() < want) {
                        // setLength extends without writing: the file stays sparse.
                        f.setLength(want);
                    } else if (f.length() > want) {
                        console.warn("drive '" + p.drive().id() + "': " + p.file() + " is larger than " + p.size()
                                + "; kept as it is (remove it to start over)");
                    }
                }
            } catch (IOException e) {
                throw StepFailed.because("drives", "cannot create " + p.file() + ": " + e.getMessage());
            }
        }
    }
}
