package kimg.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Mount points below a directory, from /proc/self/mountinfo. mmdebstrap (root mode) mounts /proc, /sys and
 * device nodes inside the tree it builds; if it is killed before its cleanup, deleting that tree would walk into
 * the host's /proc or /dev. Callers unmount these first.
 */
final class Mounts {
    private Mounts() {}

    /** Mount points at or below {@code dir}, deepest first. */
    static List<String> below(Path dir) {
        String base = dir.toAbsolutePath().normalize().toString();
        var out = new ArrayList<String>();
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            return List.of();
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                String mountPoint = unescape(f[4]);
                if (mountPoint.equals(base) || mountPoint.startsWith(base + "/")) {
                    out.add(mountPoint);
                }
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** mountinfo escapes space, tab, newline and backslash as \\ooo. */
    static String unescape(String s) {
        var sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
