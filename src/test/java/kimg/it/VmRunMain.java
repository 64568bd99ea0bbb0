package kimg.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.config.Config;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.image.ImageArtifacts;
import kimg.ui.Console;
import kimg.vm.BootInputs;
import kimg.vm.VmRunner;

/**
 * A tiny stand-in for {@code kimg run} in its own JVM (VmBootIT kills it mid-boot; bench/boot times it):
 * {@code VmRunMain run|qemu KERNEL ROOT [SETTING=VALUE...] [-- COMMAND...]}, run in the project directory.
 */
public final class VmRunMain {
    private VmRunMain() {}

    public static void main(String[] args) {
        String verb = args[0];
        Path kernel = Path.of(args[1]).toAbsolutePath();
        Path root = Path.of(args[2]).toAbsolutePath();
        Map<String, List<String>> values = new LinkedHashMap<>();
        values.put("Linux", List.of(kernel.toString()));
        int i = 3;
        for (; i < args.length && !args[i].equals("--"); i++) {
            int eq = args[i].indexOf('=');
            values.computeIfAbsent(args[i].substring(0, eq), k -> new ArrayList<>()).add(args[i].substring(eq + 1));
        }
        List<String> command = List.of(args).subList(Math.min(i + 1, args.length), args.length);
        Path dir = Path.of("").toAbsolutePath();
        Config config = Config.ofValues(dir, values);
        Exec exec = new Exec(StepLogs.under(dir.resolve("logs")), Console.plain(System.err));
        BootInputs inputs = BootInputs.from(config, null,
                new ImageArtifacts(root, root, "directory", "", false, null, null, Map.of()));
        int status = verb.equals("qemu")
                ? VmRunner.qemu(config, exec, inputs)
                : VmRunner.run(config, exec, inputs, command, System.out).commandStatusOrFail();
        // The real kimg.Main owns exit codes; this stand-in only reports the guest's.
        System.out.println("guest exit status " + status);
    }
}
