package kimg.kconfig;

import java.io.PrintStream;
import java.nio.file.Files;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.module.KernelBuilder;

/**
 * {@code kimg devtools}: compile_commands.json (and with CONFIG_RUST, rust-project.json) in the kernel build
 * directory, and the clangd line that points an editor there ({@link EditorSupport}). Needs a kernel built once:
 * the database is made from kbuild's .cmd files.
 */
public final class DevtoolsVerb {
    private DevtoolsVerb() {}

    /** @return 0, or 1 when the kernel was never built in the build directory */
    public static int run(Config config, BuildOptions build, Exec exec, PrintStream out) {
        KernelBuilder.ConfigDir dir = KernelBuilder.configured(config, build, exec);
        if (!Files.isRegularFile(dir.buildDir().resolve("vmlinux.o"))
                && !Files.isRegularFile(dir.buildDir().resolve("vmlinux.a"))) {
            exec.console().error("devtools: no kernel was built in " + dir.buildDir() + " yet; run kimg build first"
                    + " (the compilation database is made from the build's .cmd files)");
            return 1;
        }
        exec.run("compile-commands", Cmd.of(EditorSupport.compileCommandsArgv(dir.sourceTree(), dir.buildDir())));
        out.println("compile_commands.json: " + dir.buildDir().resolve(EditorSupport.COMPILE_COMMANDS));
        if (KconfigVerb.read(dir.buildDir().resolve(".config")).valueOf("CONFIG_RUST").equals("y")) {
            exec.run("rust-analyzer", Cmd.of(dir.make().target("rust-analyzer")));
            out.println("rust-project.json: " + dir.buildDir().resolve("rust-project.json"));
        }
        out.println("clangd: add this line to " + dir.sourceTree().resolve(".clangd")
                + " (or to ~/.config/clangd/config.yaml, in a fragment whose first line is "
                + EditorSupport.clangdPathMatch(dir.sourceTree()) + "):");
        out.println(EditorSupport.clangdLine(dir.buildDir()));
        return 0;
    }
}
