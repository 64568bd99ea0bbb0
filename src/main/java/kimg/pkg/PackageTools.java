package kimg.pkg;

import java.util.ArrayList;
import java.util.List;
import kimg.config.Config;
import kimg.host.HostTools.Tool;
import kimg.host.HostTools;

/** The host tools {@code kimg package} needs with this config (on top of the kernel toolchain). */
public final class PackageTools {
    private PackageTools() {}

    public static List<Tool> needed(Config config) {
        PackageSettings s = PackageSettings.of(config);
        var tools = new ArrayList<Tool>(HostTools.KERNEL);
        if (SigningKey.needed(s)) {
            tools.add(Tool.command("gpg", "gpg"));
            tools.add(Tool.command("gpgconf", "gpgconf"));
        }
        tools.add(Tool.command("strip", "binutils"));
        tools.add(Tool.command("openssl", "openssl"));
        if (s.formats().contains("rpm")) {
            tools.add(Tool.command("rpmbuild", "rpm"));
            tools.add(Tool.command("rpm", "rpm"));
            if (s.repository()) {
                tools.add(Tool.command("createrepo_c", "createrepo-c"));
            }
        }
        if (s.formats().contains("deb")) {
            tools.add(Tool.command("dpkg-deb", "dpkg"));
            if (s.repository()) {
                tools.add(Tool.command("dpkg-scanpackages", "dpkg-dev"));
            }
        }
        return tools;
    }
}
