package kimg.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.module.KernelArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;

/**
 * bench/reload: the kernel developer's inner loop, measured. One guest boots (the IT kernel and rootfs, TCG here)
 * with RuntimeBuildSources=yes and minix loaded; then, RUNS times, interleaved so load elsewhere hits both alike:
 *
 * <ul>
 *   <li>kimg: edit fs/minix/inode.c in a copy of the tree, run {@code KIMG -C P -t none build -i --kernel} (the
 *       real command, JVM start included), then {@code rmmod minix && modprobe minix} in the running guest and
 *       wait until dmesg shows the edit's marker: edit to new code running in the guest;</li>
 *   <li>make: the same kind of edit, then {@code make -C TREE O=BUILD -j2 modules} with kimg's build identity:
 *       what the developer's bare build of the change costs (nothing installed, nothing loaded).</li>
 * </ul>
 * Prints both medians and the ratio. Nothing is asserted.
 *
 * <p>Usage: ReloadBench KIMG_LAUNCHER RUNS
 */
public final class ReloadBench {
    private ReloadBench() {}

    public static void main(String[] args) throws Exception {
        String kimg = args[0];
        int runs = Integer.parseInt(args[1]);
        KernelArtifacts kernel = KernelFixture.built();
        var image = RootfsFixture.built();
        Path project = Files.createTempDirectory(Files.createDirectories(KernelFixture.cacheDirectory()), "bench-reload-");
        Path control = Files.createDirectories(project.resolve("control"));
        KernelTreeCopy copy = KernelTreeCopy.create(project, kernel, """
                [Runtime]
                RuntimeBuildSources=yes
                RuntimeTrees=%s:%s
                RAM=512M
                """.formatted(control, LiveGuest.GUEST_CONTROL));
        Exec exec = new Exec(StepLogs.under(project.resolve("mkosi.output/logs")), Console.plain(System.err));
        try {
            // exec.run throws (naming the step and its log) when a command fails.
            exec.run("bench-first-build", Cmd.of(kimg, "-C", project.toString(), "-t", "none", "build", "-i",
                    "--kernel"));
            Config config = copy.config();
            Path buildDir = copy.kernelBuildRoot().resolve(kernel.buildDir().getFileName());
            try (LiveGuest guest = LiveGuest.start(control, config, exec, BootInputs.from(config, kernel, image),
                    "modprobe minix", 3600, Duration.ofMinutes(3))) {
                var kimgTimes = new ArrayList<Double>();
                var makeTimes = new ArrayList<Double>();
                var reloadTimes = new ArrayList<Double>();
                for (int i = 0; i <= runs; i++) { // run 0 warms both up (page cache, the launcher's class archive)
                    String marker = "kimg-bench-" + i + "-" + System.nanoTime();
                    long t0 = System.nanoTime();
                    edit(copy, marker);
                    exec.run("bench-kimg-" + i, Cmd.of(kimg, "-C", project.toString(), "-t", "none", "build", "-i",
                            "--kernel"));
                    long built = System.nanoTime();
                    LiveGuest.Step reload = guest.run("rmmod minix && modprobe minix && dmesg | grep -q " + marker,
                            Duration.ofMinutes(2));
                    double k = (System.nanoTime() - t0) / 1e9;
                    double reloadOnly = (System.nanoTime() - built) / 1e9;
                    check(reload.status() == 0, "reload failed: " + guest.console());

                    long t1 = System.nanoTime();
                    edit(copy, marker + "-make");
                    exec.run("bench-make-" + i, Cmd.of("make", "-C", copy.tree().toString(), "O=" + buildDir, "-j2",
                            "KBUILD_BUILD_TIMESTAMP=1970-01-01 00:00:00 UTC", "KBUILD_BUILD_HOST=kimg",
                            "KBUILD_BUILD_USER=kimg", "LOCALVERSION=", "modules"));
                    double m = (System.nanoTime() - t1) / 1e9;
                    if (i > 0) {
                        kimgTimes.add(k);
                        makeTimes.add(m);
                        reloadTimes.add(reloadOnly);
                    }
                    System.err.printf(Locale.ROOT, "run %d: kimg edit->reloaded %.2fs (of which the guest's rmmod+modprobe %.2fs), make %.2fs%n",
                            i, k, reloadOnly, m);
                }
                guest.stop(Duration.ofMinutes(1));
                double km = median(kimgTimes);
                double mm = median(makeTimes);
                System.out.printf(Locale.ROOT, "edit -> build -i --kernel -> reloaded in the running guest: %.2fs (median of %d: %s)%n",
                        km, runs, format(kimgTimes));
                System.out.printf(Locale.ROOT, "edit -> make O=<dir> -j2 modules:                          %.2fs (median of %d: %s)%n",
                        mm, runs, format(makeTimes));
                System.out.printf(Locale.ROOT, "  of which rmmod+modprobe in the guest:                    %.2fs (median)%n",
                        median(reloadTimes));
                System.out.printf(Locale.ROOT, "ratio kimg/make: %.2f%n", km / mm);
            }
        } finally {
            copy.deleteTreeAndBuilds();
        }
        System.exit(0); // the console pump threads of the finished guest are not daemons
    }

    private static void edit(KernelTreeCopy copy, String marker) {
        copy.edit("fs/minix/inode.c", text -> text.replaceFirst(
                "static int __init init_minix_fs\\(void\\)\n\\{\n(\tpr_info\\(\"[^\"]*\"\\);\n)?",
                "static int __init init_minix_fs(void)\n{\n\tpr_info(\"" + marker + "\\\\n\");\n"));
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }

    private static double median(List<Double> xs) {
        var s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static String format(List<Double> xs) {
        return String.join(" ", xs.stream().map(x -> String.format(Locale.ROOT, "%.2f", x)).toList());
    }
}
