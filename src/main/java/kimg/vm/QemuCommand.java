package kimg.vm;

import kimg.config.Architecture;
import kimg.config.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.DriveLayout;

/** The QEMU command line of a boot: a pure function of the config, the boot inputs and the chosen accelerator. */
public final class QemuCommand {
    /** The guest port the forwarded SshPort= reaches. */
    static final int GUEST_SSH_PORT = 22;

    private QemuCommand() {}

    /**
     * @param sockets      the vhost-user socket of each share, in the order of {@code inputs.shares()}
     * @param guestCommand the command for {@code kimg run}; empty for an interactive boot
     */
    public static List<String> argv(
            Config config, BootInputs inputs, Accelerator accel, List<Path> sockets, List<String> guestCommand) {
        return argv(config, inputs, accel, sockets, guestCommand, null);
    }

    /**
     * @param consoleLog nullable: a file QEMU copies the serial console into (kimg qemu, whose console is the
     *                   terminal's, scans it for splats afterwards)
     */
    public static List<String> argv(Config config, BootInputs inputs, Accelerator accel, List<Path> sockets,
            List<String> guestCommand, Path consoleLog) {
        if (sockets.size() != inputs.shares().size()) {
            throw new IllegalArgumentException(sockets.size() + " sockets for " + inputs.shares().size() + " shares");
        }
        GdbStub gdb = GdbStub.from(config);
        // Architecture= was checked for booting when the config was read (Settings.ARCHITECTURE's limit).
        Architecture arch = config.architecture();
        String ram = config.get(Settings.RAM).mebibytes() + "M";

        var argv = new ArrayList<String>(List.of(arch.qemuBinary(),
                // No default NIC, VGA or monitor: only the devices listed below, which also boots faster.
                "-nodefaults", "-no-user-config", "-display", "none"));
        if (consoleLog == null) {
            // The serial console on stdio, with QEMU's monitor behind Ctrl-A c (Ctrl-A x quits).
            argv.addAll(List.of("-serial", "mon:stdio"));
        } else {
            // The same as mon:stdio spelt out, so the chardev can also log what the guest prints.
            argv.addAll(List.of("-chardev", "stdio,id=console,mux=on,logfile=" + optionValue(consoleLog.toString()),
                    "-serial", "chardev:console", "-mon", "chardev=console,mode=readline"));
        }
        // A guest reboot (panic=-1, sysrq b) ends QEMU instead of booting again.
        argv.add("-no-reboot");
        Architecture.Qemu row = arch.qemu();
        if (row.machine() != null) {
            // arm64: virt, a generic machine with a PCIe host bridge (so the same virtio-pci devices), a PL011 UART
            // and a device tree QEMU generates (no firmware needed for a direct kernel boot).
            argv.addAll(List.of("-M", row.machine()));
        }
        argv.addAll(accel.qemuArgs());
        if (accel.kind() == Accelerator.Kind.TCG && row.tcgCpu() != null) {
            // virt's default CPU is a 32-bit cortex-a15: an arm64 kernel needs a 64-bit model named explicitly.
            argv.addAll(List.of("-cpu", row.tcgCpu()));
        }
        argv.addAll(List.of("-smp", Integer.toString(config.get(Settings.CPUS)), "-m", ram,
                // vhost-user-fs needs guest memory that virtiofsd can map: a shared memfd.
                "-object", "memory-backend-memfd,id=mem,size=" + ram + ",share=on", "-numa", "node,memdev=mem"));
        argv.addAll(List.of("-kernel", inputs.kernel().toString()));
        if (inputs.initrd() != null) {
            argv.addAll(List.of("-initrd", inputs.initrd().toString()));
        }
        argv.addAll(List.of("-append",
                String.join(" ", KernelCommandLine.words(config, inputs, guestCommand, gdb.enabled()))));
        for (int i = 0; i < sockets.size(); i++) {
            Share share = inputs.shares().get(i);
            argv.addAll(List.of(
                    "-chardev", "socket,id=fs" + i + ",path=" + optionValue(sockets.get(i).toString()),
                    "-device", "vhost-user-fs-pci,queue-size=1024,chardev=fs" + i + ",tag=" + share.tag()));
        }
        if (config.sshAtRuntime()) {
            // User networking with sshd reachable from this host only. restrict=on cuts the guest off from the host
            // and the outside (QEMU: "does not affect any explicitly set forwarding rules"), so the forward still works.
            argv.addAll(List.of(
                    "-netdev", "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:" + config.get(Settings.SSH_PORT) + "-:" + GUEST_SSH_PORT,
                    "-device", "virtio-net-pci,netdev=net0"));
        }
        argv.addAll(drives(DriveLayout.of(config)));
        argv.addAll(gdb.qemuArgs());
        argv.addAll(gdb.otherArgs());
        return argv;
    }

    /**
     * Drives=: a {@code -blockdev} per drive (node-name = its id, as mkosi names it, so a QemuArgs= device can say
     * {@code drive=ID}), then a virtio-blk device for each drive no QemuArgs= device names, in Drives= order (the
     * guest's /dev/vda, vdb, ...; see {@link DriveLayout}). locking=off as mkosi: drives with one file id share
     * the file. mkosi's cache.direct=on and aio=io_uring are left out: O_DIRECT fails on tmpfs and overlayfs build
     * directories, and io_uring is not in every QEMU build.
     */
    static List<String> drives(DriveLayout layout) {
        var argv = new ArrayList<String>();
        for (DriveLayout.Placed p : layout.drives()) {
            String blockdev = "driver=raw,node-name=" + p.drive().id() + ",file.driver=file,file.filename="
                    + optionValue(p.file().toString()) + ",file.locking=off";
            argv.addAll(List.of("-blockdev", blockdev + (p.drive().options().isEmpty() ? ""
                    : "," + p.drive().options())));
        }
        for (DriveLayout.Placed p : layout.attachedByKimg()) {
            argv.addAll(List.of("-device", "virtio-blk-pci,drive=" + p.drive().id()
                    + (p.hasSerial() ? ",serial=" + p.drive().id() : "")));
        }
        return argv;
    }

    /** QEMU's option syntax separates key=value pairs with commas; a comma inside a value is written twice. */
    static String optionValue(String value) {
        return value.replace(",", ",,");
    }
}
