package kimg.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.nio.file.Path;

/** {@code kimg summary --plan}: a {@link BuildPlan} as text for people, or as JSON (the records' own shape). */
public final class PlanReport {
    private PlanReport() {}

    public static String text(BuildPlan plan) {
        var sb = new StringBuilder();
        BuildPlan.Kernel k = plan.kernel();
        if (k == null) {
            sb.append("kernel: none (no BuildSources=...:kernel)\n");
        } else {
            sb.append("kernel: ").append(state(k.freshness())).append('\n');
            line(sb, "tree", k.tree());
            if (k.identity() != null) {
                identity(sb, k.identity());
            }
            line(sb, "config", k.config() + " (chosen by " + k.configChosenBy() + ")"
                    + (k.configBase().isEmpty() ? "" : " on " + String.join(" ", k.configBase())));
            // Every fragment merge_config.sh merges on top, in its order: the last one's value of a symbol wins.
            line(sb, "merged on top", k.configFragments().isEmpty() ? "(none)"
                    : String.join(", ", k.configFragments().stream().map(Path::toString).toList()));
            line(sb, "localversion", k.localVersion().isEmpty() ? "(none)" : k.localVersion());
            line(sb, "build dir", k.buildDir());
            line(sb, "make variables", String.join(" ", k.makeVariables()));
            line(sb, "reconfigure", k.reconfigure() == null ? "no (.config is up to date)" : k.reconfigure());
            line(sb, "goals", k.goals().isEmpty() ? "(none)" : String.join(" ", k.goals()));
        }
        for (BuildPlan.Module m : plan.modules()) {
            sb.append("module ").append(m.name()).append(": ").append(state(m.freshness())).append('\n');
            line(sb, "source", m.source());
            line(sb, "build dir", m.buildDir());
            line(sb, "build overlay", m.needsBuildOverlay() ? "yes (mkosi.build.chroot)" : "no");
        }
        BuildPlan.Image i = plan.image();
        if (i == null) {
            sb.append("image: not built (-i, or Format=none)\n");
        } else {
            sb.append("image: ").append(state(i.freshness())).append('\n');
            line(sb, "format", i.format());
            line(sb, "root", i.root());
            line(sb, "cache", i.cacheEntry() + (i.cacheHit() ? " (hit)" : " (miss: the package manager runs)"));
            line(sb, "output stamp", i.outputStamp() == null ? "(after the distribution tree)" : i.outputStamp());
        }
        return sb.toString();
    }

    private static void identity(StringBuilder sb, BuildPlan.Identity id) {
        var source = new StringBuilder(id.worktree() == null ? "the working tree, uncommitted changes included"
                : "KernelRef=" + (id.ref() == null ? "HEAD" : id.ref()) + " in " + id.worktree());
        id.patches().forEach(p -> source.append(" + ").append(p));
        if (id.series() != null) {
            source.append(" + series ").append(id.series()).append(" (b4 am)");
        }
        line(sb, "source", source);
        line(sb, "identity", id.planned() != null ? id.planned()
                : id.readable() + "-<8 hex of sources, patches, .config, compiler, make variables, arch>"
                        + " (hashed at build time" + (id.plannedWhy() == null ? "" : ": " + id.plannedWhy()) + ")");
        line(sb, "last built", id.lastBuilt() == null ? "(none)" : id.lastBuilt());
        line(sb, "store", id.store());
    }

    public static String json(BuildPlan plan) {
        var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .setSerializationInclusion(JsonInclude.Include.ALWAYS)
                .registerModule(new SimpleModule().addSerializer(Path.class, new ToStringSerializer()));
        try {
            return mapper.writeValueAsString(plan) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a plan record is not serialisable", e);
        }
    }

    private static String state(BuildPlan.Freshness f) {
        return f.upToDate() ? "up to date" : "out of date: " + f.why();
    }

    private static void line(StringBuilder sb, String label, Object value) {
        sb.append("  ").append(label).append(": ").append(value).append('\n');
    }
}
