package kimg.vm;

import java.util.ArrayList;
import java.util.List;
import kimg.exec.Cmd;

/** The gdb command line that attaches to a guest's stub with the kernel's symbols and helper scripts. */
public final class GdbCommand {
    /**
     * Where kernel sources sit when mkosi-kernel builds them (its build container mounts them there), so debug
     * info from such builds names this prefix; gdb maps it back to the host tree.
     */
    public static final String GUEST_KERNEL_SOURCE = "/work/src/kernel";

    private GdbCommand() {}

    /**
     * {@code gdb VMLINUX -ex 'set substitute-path ...' -ex 'source vmlinux-gdb.py' -ex 'target remote ...'} and
     * then {@code extraArgs} (e.g. {@code -batch -ex 'info registers rip'}), run in vmlinux's directory so
     * vmlinux-gdb.py finds its scripts/gdb/ modules next to it.
     *
     * @param gdb the gdb binary: gdb for a guest of the host's architecture, gdb-multiarch for a foreign one
     *     ({@link kimg.config.Architecture#gdb}); either takes the target from vmlinux's ELF header
     */
    public static Cmd cmd(String gdb, BootInputs inputs, int port, List<String> extraArgs) {
        var argv = new ArrayList<String>();
        argv.add(gdb);
        argv.add(inputs.vmlinux().toString());
        if (inputs.kernelSource() != null) {
            argv.add("-ex");
            argv.add("set substitute-path " + GUEST_KERNEL_SOURCE + " " + inputs.kernelSource());
        }
        if (inputs.gdbScript() != null) {
            argv.add("-ex");
            argv.add("source " + inputs.gdbScript());
        }
        argv.add("-ex");
        argv.add("target remote " + GdbStub.HOST + ":" + port);
        argv.addAll(extraArgs);
        return Cmd.of(argv).in(inputs.vmlinux().getParent());
    }

    /** The same command quoted for a human to paste. */
    static List<String> displayArgv(String gdb, BootInputs inputs, int port) {
        return cmd(gdb, inputs, port, List.of()).argv().stream().map(Cmd::quote).toList();
    }
}
