package kimg.pkg;

import java.util.Locale;

/**
 * kimg's own Debian control files and maintainer scripts (not the tree's {@code make bindeb-pkg}: that target
 * recompiles through its own make invocation, writes the .debs into the parent of the build directory and signs
 * nothing). Names follow Debian's kernel packages: linux-image-R, linux-headers-R (/usr/src/linux-headers-R with
 * /lib/modules/R/build pointing there), and NAME-R for an out-of-tree module.
 */
public final class DebControl {
    private DebControl() {}

    /** Debian package names are lowercase and take no '_' (Debian Policy 5.6.1). */
    public static String packageName(String prefix, String kernelRelease) {
        return (prefix + kernelRelease).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The Debian version: the release (characters Debian forbids become '+') and PackageRelease as revision. */
    public static String version(String kernelRelease, String release) {
        return kernelRelease.replaceAll("[^A-Za-z0-9.+~-]", "+") + "-" + release;
    }

    /** The control file of one package; {@code depends} may be empty. */
    public static String control(String name, String version, String arch, String depends, String summary,
            String description) {
        return "Package: " + name + "\n"
                + "Version: " + version + "\n"
                + "Architecture: " + arch + "\n"
                + "Maintainer: kimg <root@localhost>\n"
                + "Section: kernel\n"
                + "Priority: optional\n"
                + (depends.isEmpty() ? "" : "Depends: " + depends + "\n")
                + "Description: " + summary + "\n"
                + " " + description + "\n";
    }

    public static String image(String kernelRelease, String release, String arch) {
        return control(packageName("linux-image-", kernelRelease), version(kernelRelease, release), arch, "",
                "Linux kernel " + kernelRelease + ", built by kimg",
                "vmlinuz, System.map, config and modules of " + kernelRelease + ".");
    }

    public static String headers(String kernelRelease, String release, String arch) {
        return control(packageName("linux-headers-", kernelRelease), version(kernelRelease, release), arch, "",
                "What building modules for Linux " + kernelRelease + " needs",
                "Makefiles, headers, Module.symvers, scripts and a BTF-only vmlinux.");
    }

    public static String kmod(String module, String kernelRelease, String release, String arch) {
        return control(packageName(module + "-", kernelRelease), version(kernelRelease, release), arch,
                packageName("linux-image-", kernelRelease), "The " + module + " module for Linux " + kernelRelease,
                "Signed with the kernel's module signing key; built by kimg.");
    }

    /**
     * linux-image's postinst: depmod, then Debian's kernel hooks (initramfs-tools, grub) through run-parts as
     * Debian's own kernel packages run them, when the image has any.
     */
    public static String imagePostinst(String r) {
        return """
                #!/bin/sh
                set -e
                depmod -a %s
                if [ -d /etc/kernel/postinst.d ]; then
                    run-parts --report --exit-on-error --arg=%s --arg=/boot/vmlinuz-%s /etc/kernel/postinst.d
                fi
                """.formatted(r, r, r);
    }

    public static String imagePostrm(String r) {
        return """
                #!/bin/sh
                set -e
                if [ -d /etc/kernel/postrm.d ]; then
                    run-parts --report --exit-on-error --arg=%s --arg=/boot/vmlinuz-%s /etc/kernel/postrm.d
                fi
                """.formatted(r, r);
    }

    /** A module package's postinst/postrm: depmod only (the kernel may be absent while it is removed). */
    public static String kmodScript(String r) {
        return """
                #!/bin/sh
                set -e
                if [ -e /lib/modules/%s/modules.order ]; then depmod -a %s; fi
                """.formatted(r, r);
    }
}
