package kimg.kconfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import kimg.config.ConfigError;

/**
 * What {@code kimg kconfig} was asked: an interactive front end ({@code menuconfig}, {@code nconfig}) or
 * {@code --set CONFIG_X=VALUE} one-offs. The request's words are {@code [menuconfig]} or
 * {@code [--set, CONFIG_X=y, ...]} (how {@code cli} hands them over).
 *
 * @param frontEnd menuconfig or nconfig; null for --set
 * @param sets     symbol (with CONFIG_) → value, in the order given
 */
public record KconfigOptions(String frontEnd, Map<String, String> sets) {
    public static final List<String> FRONT_ENDS = List.of("menuconfig", "nconfig");
    public static final String SET = "--set";
    /**
     * A value kconfig can hold: y/m/n, a number, or a double-quoted string without quotes, backslashes or control
     * characters inside (it lands in a fragment that merge_config.sh and kconfig read, never a shell).
     */
    private static final Pattern ITEM = Pattern.compile(
            "(?:CONFIG_)?([A-Za-z0-9_]+)=([ymn]|-?[0-9]+|0x[0-9a-fA-F]+|\"[^\"\\\\\\x00-\\x1f]*\")");

    public KconfigOptions {
        sets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sets));
    }

    /** @throws ConfigError (usage) for anything else, before any step runs */
    public static KconfigOptions parse(List<String> words) {
        if (words.size() == 1 && FRONT_ENDS.contains(words.get(0))) {
            return new KconfigOptions(words.get(0), Map.of());
        }
        if (words.size() < 2 || !words.get(0).equals(SET)) {
            throw ConfigError.usage("kimg kconfig needs menuconfig, nconfig or --set CONFIG_X=VALUE (e.g. kimg kconfig"
                    + " --set CONFIG_BTRFS_FS=m), not both");
        }
        var sets = new LinkedHashMap<String, String>();
        for (String item : words.subList(1, words.size())) {
            var m = ITEM.matcher(item);
            if (!m.matches()) {
                throw ConfigError.usage("kconfig --set " + item + ": expected CONFIG_NAME=VALUE with VALUE y, m, n, a"
                        + " number or a \"string\"");
            }
            sets.put("CONFIG_" + m.group(1), m.group(2));
        }
        return new KconfigOptions(null, sets);
    }

    /** The --set values as fragment lines ("n" as kconfig's "is not set"). */
    public List<String> fragmentLines() {
        var out = new ArrayList<String>();
        sets.forEach((k, v) -> out.add(v.equals("n") ? "# " + k + " is not set" : k + "=" + v));
        return out;
    }
}
