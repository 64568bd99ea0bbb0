package kimg.verb;

import java.util.List;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.host.HostTools;
import kimg.vm.VmRunner;

/**
 * {@code kimg gdb [-- GDB-ARGS]}: gdb on the built vmlinux, attached to the running guest's gdb stub
 * (QemuArgs=-s), on the port its lock record names.
 *
 * @param force   number of -f: refused (an attached verb builds nothing)
 * @param command extra gdb arguments
 */
public record GdbVerb(int force, List<String> command) implements Verb {
    public GdbVerb {
        command = List.copyOf(command);
    }

    @Override
    public String name() {
        return "gdb";
    }

    @Override
    public List<Setting.Use> uses() {
        return Boot.USES;
    }

    @Override
    public Prepared prepare(Config config) {
        return Boot.attached(config, force, ToolsNeeded.gdb(config), "QemuArgs=-s", (c, exec, inputs, out) -> {
            HostTools.ensure("gdb", ToolsNeeded.gdb(c), exec);
            return VmRunner.gdb(c, exec, inputs, command);
        });
    }
}
