package kimg.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hides the values of variables whose names look secret (API tokens, passwords, keys) wherever kimg shows an
 * environment or a command line: the {@code --debug} console and the first line of every step log. The process
 * itself still gets the real value; only what is displayed is masked.
 */
public final class Secrets {
    /** What a secret's name contains, case-insensitively (GITHUB_TOKEN, AWS_SECRET_ACCESS_KEY, DB_PASSWORD, ...). */
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|KEY|CREDENTIAL|AUTH|COOKIE|PRIVATE|SESSION|APIKEY).*");
    public static final String MASK = "***";

    private Secrets() {}

    public static boolean looksSecret(String name) {
        return SECRET_NAME.matcher(name.toUpperCase(Locale.ROOT)).matches();
    }

    /** {@code value}, or {@link #MASK} when {@code name} looks secret. */
    public static String shown(String name, String value) {
        return looksSecret(name) && !value.isEmpty() ? MASK : value;
    }

    /**
     * An argv for display: {@code NAME=value} words (make variables, env(1)) and the value after
     * {@code --setenv NAME} (bubblewrap) are masked when NAME looks secret.
     */
    public static List<String> shownArgv(List<String> argv) {
        var out = new ArrayList<String>(argv.size());
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--setenv") && i + 2 < argv.size()) {
                out.add(a);
                out.add(argv.get(i + 1));
                out.add(shown(argv.get(i + 1), argv.get(i + 2)));
                i += 2;
                continue;
            }
            int eq = a.indexOf('=');
            out.add(eq > 0 && !a.startsWith("-") ? a.substring(0, eq + 1) + shown(a.substring(0, eq),
                    a.substring(eq + 1)) : a);
        }
        return out;
    }
}
