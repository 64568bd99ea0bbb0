package kimg.config;

/**
 * Bad configuration or usage: kimg prints one line naming the place and the setting and exits 2.
 * {@code origin} may be null for errors that have no file (a bad flag value).
 */
public final class ConfigError extends RuntimeException {
    private final Origin origin;
    private final String setting;

    public ConfigError(Origin origin, String setting, String message) {
        super(message);
        this.origin = origin;
        this.setting = setting;
    }

    public static ConfigError usage(String message) {
        return new ConfigError(null, null, message);
    }

    public Origin origin() {
        return origin;
    }

    public String setting() {
        return setting;
    }

    /** file:line: Setting=: message */
    public String render() {
        var sb = new StringBuilder();
        if (origin != null) {
            sb.append(origin).append(": ");
        }
        if (setting != null) {
            sb.append(setting).append("=: ");
        }
        return sb.append(getMessage()).toString();
    }
}
