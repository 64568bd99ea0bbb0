package kimg.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option list of {@code --help} in groups, the verb's own options first: then kimg's global options, then
 * the settings that shape the build, those read when booting ([Runtime]), and those about the config itself
 * ([Config], [Include], [Match]). Setting flags are recognised by the {@code [Section]} their description starts
 * with ({@link Flags#addGlobal}).
 */
final class HelpLayout {
    private HelpLayout() {}

    /** Installs the grouped option list on {@code cl} and every verb under it. */
    static void install(CommandLine cl) {
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::render);
        cl.getSubcommands().values().stream().distinct().forEach(HelpLayout::install);
    }

    /** The group heading of {@code o}, shown on the help of {@code verb} ("" for the root). */
    static String group(OptionSpec o, String verb) {
        String d = o.description().length == 0 ? "" : o.description()[0];
        if (!d.startsWith("[")) {
            return o.inherited() || verb.isEmpty() ? "Global options" : "Options of " + verb;
        }
        String section = d.substring(1, Math.max(1, d.indexOf(']')));
        return switch (section) {
            case "Runtime" -> "Runtime settings";
            case "Config", "Include", "Match" -> "Config settings";
            default -> "Build settings";
        };
    }

    private static final List<String> ORDER = List.of("Options of ", "Global options", "Build settings",
            "Runtime settings", "Config settings");

    private static String render(Help help) {
        String verb = help.commandSpec().parent() == null ? "" : help.commandSpec().name();
        Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
        for (OptionSpec o : help.commandSpec().options()) {
            if (!o.hidden()) {
                groups.computeIfAbsent(group(o, verb), k -> new ArrayList<>()).add(o);
            }
        }
        var out = new StringBuilder();
        for (String prefix : ORDER) {
            for (var e : groups.entrySet()) {
                if (!e.getKey().startsWith(prefix)) {
                    continue;
                }
                Help.Layout layout = help.createDefaultLayout();
                e.getValue().forEach(o -> layout.addOption(o, help.parameterLabelRenderer()));
                out.append(out.length() == 0 ? "" : "\n").append(e.getKey()).append(":\n").append(layout);
            }
        }
        return out.toString();
    }
}
