package kimg.exec;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A bubblewrap command line as data, the one builder of every {@code bwrap} kimg runs (module build scripts,
 * post-installation scripts, tree copies into the image, a read-only virtiofsd). Pure.
 *
 * <p>Rendered as {@code bwrap --die-with-parent [--unshare-*] [--clearenv] MOUNTS [--chdir DIR] [--setenv K V]...
 * -- COMMAND}. bwrap reads the namespace flags, --die-with-parent and --chdir as settings whatever their position,
 * applies the mount operations in the order given (a later one mounts over an earlier one), and acts on --clearenv
 * and --setenv as it parses them, so --clearenv comes before every --setenv.
 *
 * @param unshare          namespaces of its own (rendered in the enum's order)
 * @param clearEnvironment start from an empty environment instead of kimg's
 * @param mounts           mount operations, in order
 * @param chdir            working directory inside, or null
 * @param environment      variables set inside, in order (one value per name)
 * @param command          what runs inside; empty leaves the command to whoever appends it after {@code --}
 */
public record Sandbox(Set<Namespace> unshare, boolean clearEnvironment, List<Mount> mounts, String chdir,
        Map<String, String> environment, List<String> command) {
    public static final String BWRAP = "bwrap";

    public Sandbox {
        unshare = unshare.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(unshare));
        mounts = List.copyOf(mounts);
        environment = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        command = List.copyOf(command);
    }

    /** A namespace bwrap gives the sandbox its own of: {@code --unshare-pid} and so on. */
    public enum Namespace { PID, IPC, UTS, NET }

    /**
     * One mount operation: {@code --<option> [source] target}.
     *
     * @param source null for operations without one (tmpfs, proc, dev, dir)
     */
    public record Mount(String option, String source, String target) {
        List<String> argv() {
            return source == null ? List.of("--" + option, target) : List.of("--" + option, source, target);
        }
    }

    /** The command line. */
    public List<String> argv() {
        var argv = new ArrayList<String>(List.of(BWRAP, "--die-with-parent"));
        for (Namespace n : Namespace.values()) {
            if (unshare.contains(n)) {
                argv.add("--unshare-" + n.name().toLowerCase(Locale.ROOT));
            }
        }
        if (clearEnvironment) {
            argv.add("--clearenv");
        }
        mounts.forEach(m -> argv.addAll(m.argv()));
        if (chdir != null) {
            argv.addAll(List.of("--chdir", chdir));
        }
        environment.forEach((k, v) -> argv.addAll(List.of("--setenv", k, v)));
        argv.add("--");
        argv.addAll(command);
        return List.copyOf(argv);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects a {@link Sandbox} in bwrap's terms; mounts keep the order of the calls; a source is a Path or a path string. */
    public static final class Builder {
        private final Set<Namespace> unshare = EnumSet.noneOf(Namespace.class);
        private boolean clearEnvironment;
        private final List<Mount> mounts = new ArrayList<>();
        private String chdir;
        private final Map<String, String> environment = new LinkedHashMap<>();

        private Builder() {}

        public Builder unshare(Namespace... namespaces) {
            unshare.addAll(List.of(namespaces));
            return this;
        }

        /** Own pid, ipc and uts namespaces, and the network's unless {@code network}. */
        public Builder isolated(boolean network) {
            unshare(Namespace.PID, Namespace.IPC, Namespace.UTS);
            return network ? this : unshare(Namespace.NET);
        }

        public Builder clearEnvironment() {
            clearEnvironment = true;
            return this;
        }

        public Builder bind(Object source, String target) {
            return mount("bind", source, target);
        }

        public Builder roBind(Object source, String target) {
            return mount("ro-bind", source, target);
        }

        /** A read-only bind that is skipped when the source is missing. */
        public Builder roBindTry(Object source, String target) {
            return mount("ro-bind-try", source, target);
        }

        /** A bind that keeps device nodes usable. */
        public Builder devBind(Object source, String target) {
            return mount("dev-bind", source, target);
        }

        public Builder tmpfs(String target) {
            return mount("tmpfs", null, target);
        }

        /** A fresh minimal /dev. */
        public Builder dev(String target) {
            return mount("dev", null, target);
        }

        /** A fresh /proc of the sandbox's pid namespace. */
        public Builder proc(String target) {
            return mount("proc", null, target);
        }

        public Builder dir(String target) {
            return mount("dir", null, target);
        }

        /** A symlink at {@code path} pointing to {@code linkTarget}. */
        public Builder symlink(String linkTarget, String path) {
            return mount("symlink", linkTarget, path);
        }

        public Builder chdir(String dir) {
            chdir = dir;
            return this;
        }

        public Builder setenv(String name, String value) {
            environment.put(name, value);
            return this;
        }

        public Builder setenv(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        /** The sandbox running {@code command} (empty: the command is appended by someone else). */
        public Sandbox command(List<String> command) {
            return new Sandbox(unshare, clearEnvironment, mounts, chdir, environment, command);
        }

        public Sandbox command(String... command) {
            return command(List.of(command));
        }

        private Builder mount(String option, Object source, String target) {
            mounts.add(new Mount(option, source == null ? null : source.toString(), target));
            return this;
        }
    }

}
