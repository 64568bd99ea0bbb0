package kimg.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Ssh= as mkosi v26 spells it: {@code always} (yes), {@code never} (no), {@code auto}, {@code runtime}. For kimg:
 * {@code always} puts sshd and the project's key in the image and forwards a port when booting; {@code auto} does
 * the same when Packages= already installs openssh-server; {@code runtime} only forwards the port (the image
 * brings its own sshd and keys); {@code never} does neither.
 */
public enum Ssh {
    ALWAYS,
    AUTO,
    RUNTIME,
    NEVER;

    public static Optional<Ssh> of(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "always", "1", "yes", "true", "on", "y" -> Optional.of(ALWAYS);
            case "never", "0", "no", "false", "off", "n" -> Optional.of(NEVER);
            case "auto" -> Optional.of(AUTO);
            case "runtime" -> Optional.of(RUNTIME);
            default -> Optional.empty();
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
