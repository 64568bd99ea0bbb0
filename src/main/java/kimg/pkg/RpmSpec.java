package kimg.pkg;

import java.util.List;

/**
 * kimg's own spec files (its template, not the kernel's mkspec): the payload is staged by kimg beforehand, so
 * %install only copies {@code %kimg_stage} and nothing is compiled by rpmbuild.
 *
 * <p>Why the preamble turns things off: rpm's post-install strip and find-debuginfo would drop the signature that
 * kbuild appended to each module (a stripped module is "unsigned"), and automatic requires would make the kernel
 * depend on the build host's perl/python paths of the -devel scripts.
 */
public final class RpmSpec {
    private RpmSpec() {}

    /** The RPM Version of a kernel release: rpm forbids '-' there (6.1.71-lts → 6.1.71_lts). */
    public static String version(String kernelRelease) {
        return kernelRelease.replace('-', '_');
    }

    private static String preamble() {
        return """
                # Written by kimg package; regenerated on every run.
                %global debug_package %{nil}
                %global __os_install_post %{nil}
                %global __strip /bin/true
                %global _build_id_links none
                """;
    }

    /**
     * The kernel and its -devel package (Fedora's layout: /usr/src/kernels/R with /lib/modules/R/build pointing
     * there). Provides kernel-uname-r, kernel-devel-uname-r and installonlypkg(kernel), which kmod tooling and
     * dnf's install-only handling need (a renamed kernel would otherwise replace the running one).
     *
     * @param name          the package name (PackageName= or its default)
     * @param release       PackageRelease=
     * @param kernelRelease `make kernelrelease`
     */
    public static String kernel(String name, String release, String kernelRelease) {
        String r = kernelRelease;
        return preamble() + """

                Name: %s
                Version: %s
                Release: %s
                Summary: The Linux kernel %s, built by kimg
                License: GPL-2.0-only
                AutoReqProv: no
                Provides: kernel = %s-%s
                Provides: kernel-uname-r = %s
                Provides: installonlypkg(kernel)

                %%description
                The Linux kernel %s: vmlinuz, System.map, config and modules.

                %%package devel
                Summary: What building modules for the Linux kernel %s needs
                AutoReqProv: no
                Provides: kernel-devel-uname-r = %s
                Provides: installonlypkg(kernel)

                %%description devel
                Makefiles, headers, Module.symvers, scripts and a BTF-only vmlinux for make -C /lib/modules/%s/build M=DIR.

                %%install
                cp -a %%{kimg_stage}/. %%{buildroot}/

                %%post
                %s
                %%postun
                %s
                %%files
                /boot/vmlinuz-%s
                /boot/System.map-%s
                /boot/config-%s
                /lib/modules/%s
                %%exclude /lib/modules/%s/build

                %%files devel
                /usr/src/kernels/%s
                /lib/modules/%s/build
                """.formatted(name, version(r), release, r, version(r), release, r, r, r, r, r,
                postInstall(r).strip(), postRemove(r).strip(), r, r, r, r, r, r, r);
    }

    /**
     * An out-of-tree module's package, kmodtool's way: the module under /lib/modules/R/extra/NAME, requiring the
     * exact kernel it was built for.
     *
     * @param files the module file names (e.g. kimg_demo.ko)
     */
    public static String kmod(String module, String release, String kernelRelease, List<String> files) {
        var list = new StringBuilder();
        files.forEach(f -> list.append("/lib/modules/").append(kernelRelease).append("/extra/").append(module)
                .append('/').append(f).append('\n'));
        return preamble() + """

                Name: %s-%s
                Version: %s
                Release: %s
                Summary: The %s kernel module for Linux %s, built by kimg
                License: GPL-2.0-only
                AutoReqProv: no
                Requires: kernel-uname-r = %s

                %%description
                The out-of-tree module %s, signed with the kernel's module signing key.

                %%install
                cp -a %%{kimg_stage}/. %%{buildroot}/

                %%post
                depmod -a %s || :
                %%postun
                depmod -a %s || :
                %%files
                %s""".formatted(module, kernelRelease, version(kernelRelease), release, module, kernelRelease,
                kernelRelease, module, kernelRelease, kernelRelease, list);
    }

    /**
     * After install: the distribution's hook when there is one (kernel-install on Fedora/EL, which runs dracut;
     * dracut alone otherwise), then depmod. {@code || :} because a missing initramfs generator in an empty root
     * must not fail the transaction.
     */
    static String postInstall(String r) {
        return """
                if [ -x /usr/bin/kernel-install ]; then
                    /usr/bin/kernel-install add %s /boot/vmlinuz-%s || :
                elif [ -x /usr/bin/dracut ]; then
                    /usr/bin/dracut -f /boot/initramfs-%s.img %s || :
                fi
                depmod -a %s || :
                """.formatted(r, r, r, r, r);
    }

    static String postRemove(String r) {
        return """
                if [ "$1" -eq 0 ]; then
                    [ -x /usr/bin/kernel-install ] && /usr/bin/kernel-install remove %s || :
                    rm -f /boot/initramfs-%s.img
                fi
                """.formatted(r, r);
    }
}
