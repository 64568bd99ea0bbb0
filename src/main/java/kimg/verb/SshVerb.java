package kimg.verb;

import java.util.List;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.host.HostTools;
import kimg.vm.VmRunner;

/**
 * {@code kimg ssh [-- CMD]}: an ssh session to the running guest (Ssh=yes), on the port its lock record names.
 *
 * @param force   number of -f: refused (an attached verb builds nothing)
 * @param command the command to run instead of a shell
 */
public record SshVerb(int force, List<String> command) implements Verb {
    public SshVerb {
        command = List.copyOf(command);
    }

    @Override
    public String name() {
        return "ssh";
    }

    @Override
    public List<Setting.Use> uses() {
        return Boot.USES;
    }

    @Override
    public Prepared prepare(Config config) {
        return Boot.attached(config, force, HostTools.SSH, "Ssh=yes", (c, exec, inputs, out) -> {
            HostTools.ensure("ssh", HostTools.SSH, exec);
            return VmRunner.ssh(c, exec, inputs, command);
        });
    }
}
