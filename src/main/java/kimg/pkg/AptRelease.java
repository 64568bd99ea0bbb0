package kimg.pkg;

import java.util.List;

/**
 * The Release file of a flat apt repository ({@code deb [signed-by=KEY] file:/DIR ./}): apt checks the Packages
 * index against its SHA256 line, and the signature over Release (InRelease, Release.gpg) against the key.
 */
public final class AptRelease {
    private AptRelease() {}

    /** One indexed file: its path relative to the repository, size in bytes, sha256 in hex. */
    public record Indexed(String path, long size, String sha256) {}

    /** @param date RFC 2822 date in UTC, e.g. "Mon, 30 Nov 2026 03:00:00 UTC" */
    public static String text(String label, String date, List<Indexed> files) {
        var s = new StringBuilder();
        s.append("Origin: kimg\n");
        s.append("Label: ").append(label).append('\n');
        s.append("Date: ").append(date).append('\n');
        s.append("SHA256:\n");
        for (Indexed f : files) {
            s.append(' ').append(f.sha256()).append(' ').append(f.size()).append(' ').append(f.path()).append('\n');
        }
        return s.toString();
    }
}
