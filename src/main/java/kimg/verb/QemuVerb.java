package kimg.verb;

import java.util.List;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.Setting;
import kimg.vm.VmRunner;

/**
 * {@code kimg qemu} (mkosi's {@code vm}): boot the image with the console on this terminal, building first when
 * what the guest would run is out of date.
 *
 * @param options the build to run first when one is needed (-f, -c, -j; never -i)
 * @param noBuild --no-build: boot what exists, saying when it is stale
 */
public record QemuVerb(BuildOptions options, boolean noBuild) implements Verb {
    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public List<Setting.Use> uses() {
        return Boot.USES;
    }

    @Override
    public Prepared prepare(Config config) {
        return Boot.guest(config, options, noBuild, (c, exec, inputs, out) -> VmRunner.qemu(c, exec, inputs));
    }
}
