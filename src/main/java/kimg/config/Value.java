package kimg.config;

/** One parsed value (a single setting's value, or one item of a list) and the place it was written. */
public record Value(String text, Origin origin) {
    @Override
    public String toString() {
        return text + " (" + origin + ")";
    }
}
