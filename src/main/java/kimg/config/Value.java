package kimg.config;

/**
 * One parsed value (a single setting's value, or one item of a list) and the place it was written.
 *
 * @param text   the canonical text (what {@code summary} shows)
 * @param origin where it was written
 * @param typed  the value as its setting's type ({@link Bytes} for RAM=, {@link BuildSource}, ...)
 */
public record Value(String text, Origin origin, Object typed) {
    /** A value whose type is its text (String settings). */
    public Value(String text, Origin origin) {
        this(text, origin, text);
    }

    @Override
    public String toString() {
        return text + " (" + origin + ")";
    }
}
