package kimg.image;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * The {@code dnf --installroot} command line and the repository definitions it reads, for Fedora and CentOS
 * Stream. Pure. kimg writes its own repo files (a Debian host has none) into a directory passed as
 * {@code reposdir}, and disables every other repository, so the host's dnf configuration never leaks in.
 */
public final class DnfCommand {
    private DnfCommand() {}

    /** Repository ids enabled by default; Repositories= adds more (e.g. updates-testing, crb, epel). */
    public static List<String> defaultRepositories(String distribution) {
        return distribution.equals("centos") ? List.of("baseos", "appstream") : List.of("fedora", "updates");
    }

    public static List<String> argv(RootfsSpec spec, Path root, Path configDirectory) {
        var argv = new ArrayList<String>();
        argv.add("dnf");
        argv.add("--assumeyes");
        argv.add("--installroot=" + root);
        argv.add("--releasever=" + spec.release());
        argv.add("--forcearch=" + spec.nativeArchitecture());
        argv.add("--config=" + configDirectory.resolve("dnf.conf"));
        argv.add("--setopt=reposdir=" + configDirectory.resolve("repos.d"));
        argv.add("--setopt=install_weak_deps=False");
        argv.add("--setopt=keepcache=False");
        if (!spec.withDocs()) {
            argv.add("--nodocs");
        }
        argv.add("--disablerepo=*");
        var repos = new ArrayList<>(defaultRepositories(spec.distribution()));
        for (String r : spec.repositories()) {
            if (!repos.contains(r)) {
                repos.add(r);
            }
        }
        for (String r : repos) {
            argv.add("--enablerepo=" + r);
        }
        argv.add("install");
        // Package names are positionals: "--" keeps a name starting with '-' from being read as an option.
        argv.add("--");
        argv.addAll(spec.packages());
        return argv;
    }

    /** dnf.conf: strict (a missing repository is an error, not a silently smaller image). */
    public static String mainConfig() {
        return "[main]\ngpgcheck=True\nskip_if_unavailable=False\ninstallonly_limit=3\nbest=True\n";
    }

    /** File name → content of the repo files, every repository defined, enabled on the command line only. */
    public static Map<String, String> repoFiles(RootfsSpec spec) {
        var files = new LinkedHashMap<String, String>();
        String mirror = spec.mirror();
        if (spec.distribution().equals("centos")) {
            String stream = spec.release().endsWith("-stream") ? spec.release() : spec.release() + "-stream";
            String key = "https://www.centos.org/keys/RPM-GPG-KEY-CentOS-Official";
            var sb = new StringBuilder();
            for (String[] r : new String[][] {{"baseos", "BaseOS"}, {"appstream", "AppStream"}, {"crb", "CRB"}}) {
                sb.append(repo(r[0], "CentOS Stream " + stream + " - " + r[1],
                        mirror.isEmpty()
                                ? "metalink=https://mirrors.centos.org/metalink?repo=centos-" + r[0] + "-" + stream
                                        + "&arch=$basearch&protocol=https,http"
                                : "baseurl=" + trim(mirror) + "/" + stream + "/" + r[1] + "/$basearch/os/",
                        key));
            }
            files.put("centos.repo", sb.toString());
            files.put("epel.repo", repo("epel", "EPEL $releasever - $basearch",
                    "metalink=https://mirrors.fedoraproject.org/metalink?repo=epel-$releasever&arch=$basearch",
                    "https://dl.fedoraproject.org/pub/epel/RPM-GPG-KEY-EPEL-$releasever"));
        } else {
            String key = "https://src.fedoraproject.org/rpms/fedora-repos/raw/rawhide/f/"
                    + "RPM-GPG-KEY-fedora-$releasever-primary";
            var sb = new StringBuilder();
            sb.append(repo("fedora", "Fedora $releasever - $basearch",
                    mirror.isEmpty()
                            ? "metalink=https://mirrors.fedoraproject.org/metalink?repo=fedora-$releasever&arch=$basearch"
                            : "baseurl=" + trim(mirror) + "/releases/$releasever/Everything/$basearch/os/",
                    key));
            sb.append(repo("updates", "Fedora $releasever - $basearch - Updates",
                    mirror.isEmpty()
                            ? "metalink=https://mirrors.fedoraproject.org/metalink?repo=updates-released-f$releasever"
                                    + "&arch=$basearch"
                            : "baseurl=" + trim(mirror) + "/updates/$releasever/Everything/$basearch/",
                    key));
            sb.append(repo("updates-testing", "Fedora $releasever - $basearch - Test Updates",
                    mirror.isEmpty()
                            ? "metalink=https://mirrors.fedoraproject.org/metalink?repo=updates-testing-f$releasever"
                                    + "&arch=$basearch"
                            : "baseurl=" + trim(mirror) + "/updates/testing/$releasever/Everything/$basearch/",
                    key));
            files.put("fedora.repo", sb.toString());
        }
        return files;
    }

    private static String repo(String id, String name, String source, String key) {
        return "[" + id + "]\nname=" + name + "\n" + source + "\nenabled=0\ngpgcheck=1\ngpgkey=" + key + "\n\n";
    }

    private static String trim(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
