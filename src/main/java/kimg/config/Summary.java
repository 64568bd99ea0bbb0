package kimg.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** `kimg summary`: the resolved configuration grouped by section, every value with where it came from. */
public final class Summary {
    private Summary() {}

    public static String text(Config c) {
        var sb = new StringBuilder();
        sb.append("Project: ").append(c.directory()).append('\n');
        for (String section : Settings.SECTIONS) {
            List<Setting<?>> rows = Settings.inSection(section).stream().filter(s -> !s.name().equals("Include")).toList();
            if (rows.isEmpty()) {
                continue;
            }
            sb.append("\n[").append(section).append("]\n");
            int width = rows.stream().mapToInt(s -> s.name().length()).max().orElse(0);
            var shown = new ArrayList<String>();
            for (Setting<?> s : rows) {
                List<Value> values = c.values(s.name());
                shown.add(values.isEmpty() ? "(none)" : String.join(" ", values.stream().map(Value::text).toList()));
            }
            int valueWidth = Math.min(48, shown.stream().mapToInt(String::length).max().orElse(0));
            for (int i = 0; i < rows.size(); i++) {
                Setting<?> s = rows.get(i);
                sb.append(String.format("  %-" + width + "s = %-" + valueWidth + "s  # %s%n", s.name(), shown.get(i),
                        origins(c, c.values(s.name()))));
            }
        }
        sb.append("\n[Modules]\n");
        if (c.modules().isEmpty()) {
            sb.append("  (none)\n");
        }
        for (ModuleDef m : c.modules()) {
            sb.append("  ").append(m.name()).append(m.enabled() ? "" : " (not enabled)");
            c.sourceFor(m.name()).ifPresent(b -> sb.append(" ← ").append(b.source()));
            sb.append("    # ").append(relative(c, m.directory())).append('\n');
        }
        DriveLayout drives = DriveLayout.of(c);
        if (!drives.drives().isEmpty()) {
            sb.append("\n[Drives]\n");
            for (DriveLayout.Placed p : drives.drives()) {
                sb.append("  ").append(p.drive().id()).append(' ').append(p.size()).append(" → ")
                        .append(p.attachedByKimg() ? p.guestDevice() + " (virtio-blk)" : "attached by QemuArgs=")
                        .append("    # ").append(p.file()).append('\n');
            }
        }
        return sb.toString();
    }

    /** Keys are setting names (stable); values keep their origins. */
    public static String json(Config c) {
        var root = new LinkedHashMap<String, Object>();
        root.put("directory", c.directory().toString());
        root.put("files", c.files().stream().map(p -> relative(c, p)).toList());
        var settings = new LinkedHashMap<String, Object>();
        for (Setting<?> s : Settings.all()) {
            if (s.name().equals("Include")) {
                continue;
            }
            List<Value> values = c.values(s.name());
            var entry = new LinkedHashMap<String, Object>();
            entry.put("section", s.section());
            if (s.list()) {
                entry.put("value", values.stream().map(Value::text).toList());
                entry.put("origins", values.stream().map(v -> origin(c, v.origin())).toList());
            } else {
                entry.put("value", values.isEmpty() ? null : values.get(values.size() - 1).text());
                entry.put("origin", values.isEmpty() ? "default" : origin(c, values.get(values.size() - 1).origin()));
            }
            settings.put(s.name(), entry);
        }
        root.put("settings", settings);
        var modules = new ArrayList<Map<String, Object>>();
        for (ModuleDef m : c.modules()) {
            var entry = new LinkedHashMap<String, Object>();
            entry.put("name", m.name());
            entry.put("enabled", m.enabled());
            entry.put("directory", relative(c, m.directory()));
            entry.put("buildScript", m.buildScript().map(p -> relative(c, p)).orElse(null));
            entry.put("sources", c.buildSources().stream().filter(b -> b.target().equals(m.name()))
                    .map(b -> b.source().toString()).toList());
            modules.add(entry);
        }
        root.put("modules", modules);
        root.put("warnings", c.warnings());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String origins(Config c, List<Value> values) {
        if (values.isEmpty()) {
            return "default";
        }
        return String.join(", ", values.stream().map(v -> origin(c, v.origin())).distinct().toList());
    }

    static String origin(Config c, Origin o) {
        return o.isFile() ? relative(c, o.file()) + ":" + o.line() : o.label();
    }

    static String relative(Config c, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return abs.startsWith(c.directory()) ? c.directory().relativize(abs).toString() : abs.toString();
    }
}
