package kimg.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The symbols a kconfig file sets: {@code CONFIG_X=value} lines, and {@code # CONFIG_X is not set} (and
 * {@code CONFIG_X=n}) as the value "n". Later lines win, as in kconfig.
 */
public record KconfigValues(Map<String, String> values) {
    private static final Pattern SET = Pattern.compile("^(CONFIG_[A-Za-z0-9_]+)=(.*)$");
    private static final Pattern UNSET = Pattern.compile("^# (CONFIG_[A-Za-z0-9_]+) is not set\\s*$");
    /**
     * Symbols kconfig computes from the toolchain (CONFIG_CC_VERSION_TEXT, CONFIG_GCC_VERSION, CONFIG_AS_IS_GNU,
     * ...): a whole config copied from another machine always "loses" them, so they are not worth a warning.
     */
    private static final Pattern TOOLCHAIN = Pattern.compile(
            "CONFIG_(CC|AS|LD|GCC|CLANG|LLD|RUSTC|BINDGEN|PAHOLE|TOOLS_SUPPORT)_.*|CONFIG_.*_VERSION(_TEXT)?");

    public KconfigValues {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static KconfigValues parse(List<String> lines) {
        var map = new LinkedHashMap<String, String>();
        for (String raw : lines) {
            String line = raw.strip();
            Matcher m = SET.matcher(line);
            if (m.matches()) {
                map.put(m.group(1), m.group(2).strip());
                continue;
            }
            m = UNSET.matcher(line);
            if (m.matches()) {
                map.put(m.group(1), "n");
            }
        }
        return new KconfigValues(map);
    }

    /** This file's values with {@code later}'s on top (what merge_config.sh asks kconfig for). */
    public KconfigValues then(KconfigValues later) {
        var map = new LinkedHashMap<>(values);
        later.values.forEach((k, v) -> {
            map.remove(k);
            map.put(k, v);
        });
        return new KconfigValues(map);
    }

    /** A symbol's value; "n" when the file does not mention it (kconfig's meaning of absent). */
    public String valueOf(String symbol) {
        String v = values.get(symbol);
        return v == null ? "n" : v;
    }

    /**
     * Every symbol asked for here that {@code actual} (the final .config) does not have, as
     * "CONFIG_X=y (got: n)". kconfig drops a request whose dependencies are unmet without saying so.
     */
    public List<String> droppedFrom(KconfigValues actual) {
        var out = new ArrayList<String>();
        values.forEach((symbol, wanted) -> {
            if (TOOLCHAIN.matcher(symbol).matches()) {
                return;
            }
            String got = actual.valueOf(symbol);
            // An empty string option is written as "" but means the same as leaving it out.
            boolean bothEmpty = (wanted.equals("\"\"") || wanted.equals("n")) && (got.equals("\"\"") || got.equals("n"));
            if (!got.equals(wanted) && !bothEmpty) {
                out.add(symbol + "=" + wanted + " (got: " + (got.equals("n") ? "not set" : got) + ")");
            }
        });
        return out;
    }
}
