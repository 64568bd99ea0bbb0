package kimg.config;

import java.util.Locale;

/**
 * A size such as RAM=: {@code 2G}, {@code 512M}, {@code 1536K} or a plain number of bytes, kept with the text it was
 * written as. Units are binary (K = 1024), as in mkosi.
 *
 * @param bytes the size in bytes
 * @param text  as written, unit upper-cased
 */
public record Bytes(long bytes, String text) {
    /** @throws IllegalArgumentException when the text is not a positive size */
    public static Bytes parse(String raw) {
        String s = raw.toUpperCase(Locale.ROOT);
        if (!s.matches("[0-9]+[KMGT]?")) {
            throw new IllegalArgumentException("not a size");
        }
        char unit = s.charAt(s.length() - 1);
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        String digits = shift == 0 ? s : s.substring(0, s.length() - 1);
        long n;
        try {
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("too large");
        }
        if (n <= 0 || n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("out of range");
        }
        return new Bytes(n << shift, s);
    }

    /** Whole MiB, at least 1 (QEMU's {@code -m} reads a bare number as MiB). */
    public long mebibytes() {
        return Math.max(1, bytes >> 20);
    }

    @Override
    public String toString() {
        return text;
    }
}
