package kimg.verb;

import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.fs.ProjectLock;
import kimg.host.HostTools;
import kimg.kconfig.KconfigOptions;

/**
 * {@code kimg kconfig menuconfig|nconfig} or {@code kimg kconfig --set CONFIG_X=V ...}: changes the kernel build
 * directory's .config and saves the difference as mkosi.kernel.local.config (work in
 * {@link kimg.kconfig.KconfigVerb}). It touches the kernel build directory only, so it holds the modules lock.
 *
 * @param words the front-end and/or {@code --set} words, checked by {@link KconfigOptions#parse} before any step
 * @param build the kernel build's options (-c, -j)
 */
public record KconfigVerb(List<String> words, BuildOptions build) implements Verb {
    public KconfigVerb {
        words = List.copyOf(words);
    }

    @Override
    public String name() {
        return "kconfig";
    }

    @Override
    public List<Setting.Use> uses() {
        return List.of(Setting.Use.BUILD);
    }

    @Override
    public Prepared prepare(Config config) {
        KconfigOptions options = KconfigOptions.parse(words);
        return Prepared.steps(HostTools.KERNEL, ProjectLock.Use.MODULES, context -> kimg.kconfig.KconfigVerb.run(
                context.config(), options, build, System.console() != null, context.exec(), context.out()));
    }
}
