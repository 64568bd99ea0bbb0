package kimg.config;

/** {@code -j/--jobs auto|auto+1|N}: how many parallel jobs make and build scripts get. */
public final class Jobs {
    private Jobs() {}

    public static int parse(String text, int cpus) {
        if (text == null || text.isEmpty() || text.equals("auto")) {
            return cpus;
        }
        if (text.equals("auto+1")) {
            return cpus + 1;
        }
        try {
            int n = Integer.parseInt(text);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the error below
        }
        throw ConfigError.usage("invalid value for option '--jobs': '" + text + "' (expected auto, auto+1 or a positive number)");
    }
}
