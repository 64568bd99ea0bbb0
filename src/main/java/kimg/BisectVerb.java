package kimg;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.cli.ExitCode;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigLoader;
import kimg.config.Request;
import kimg.config.Settings;
import kimg.config.ValueParser;
import kimg.exec.Exec;
import kimg.exec.HostTools;
import kimg.exec.ProjectLock;
import kimg.exec.StepFailed;
import kimg.module.KernelBuilder;
import kimg.source.Bisect;
import kimg.source.GitCommands;
import kimg.source.KernelCheckout;
import kimg.vm.BootInputs;
import kimg.vm.VmRunner;

/**
 * {@code kimg bisect GOOD BAD -- CMD...}: {@link Bisect} over the kernel repository, each step a build at the commit
 * (KernelRef=<sha>, so identities are reused and the one build directory stays warm) and a {@code kimg run} of
 * CMD: exit 0 good; CMD failing, a panic or a splat on the console bad; a failed build or a guest that never ran
 * CMD skip. {@code request.command()} is GOOD, BAD, then CMD.
 */
final class BisectVerb {
    /** Console lines that make a step bad whatever CMD returned (the kernel's own report headers). */
    static final List<String> SPLATS = List.of("BUG:", "WARNING: CPU:", "Oops:", "Kernel panic", "general protection fault");

    private BisectVerb() {}

    static int run(Config config, Request request, Exec exec, PrintStream out) {
        List<String> args = request.command();
        if (args.size() < 3) {
            throw ConfigError.usage("kimg bisect needs GOOD BAD -- COMMAND [ARGS...]");
        }
        for (String ref : args.subList(0, 2)) {
            ValueParser.GIT_REF.parse(ref, kimg.config.Origin.COMMAND_LINE, "bisect");
        }
        List<String> command = args.subList(2, args.size());
        Path repo = KernelBuilder.sourceTree(config);
        var git = new GitCommands(repo);
        String good = resolve(git, args.get(0), exec);
        String bad = resolve(git, args.get(1), exec);
        Path worktree = config.moduleBuildDirectory("kernel").resolve(KernelCheckout.WORKTREE);
        HostTools.ensure("qemu", HostTools.QEMU, exec);
        Bisect.Result result;
        try (ProjectLock lock = ProjectLock.acquire(config.directory(), ProjectLock.Use.GUEST, "kimg bisect")) {
            // The worktree exists once a build made it: build GOOD first (it is also the first sanity check).
            Bisect.Outcome first = step(request, good, command, exec);
            if (first.verdict() != Bisect.Verdict.GOOD) {
                throw StepFailed.because("bisect", "GOOD " + args.get(0) + " is not good: " + first.why());
            }
            result = Bisect.run(worktree, good, bad, commit -> step(request, commit, command, exec), exec);
        }
        Bisect.print(result, out);
        return result.firstBad() == null ? ExitCode.STEP_FAILED.code : ExitCode.OK.code;
    }

    private static String resolve(GitCommands git, String ref, Exec exec) {
        return KernelCheckout.resolve(git, ref, exec).orElseThrow(() -> ConfigError.usage(
                "bisect: '" + ref + "' names no commit in " + git.repo()));
    }

    /** One step: build at {@code commit}, boot, run CMD, judge. */
    static Bisect.Outcome step(Request request, String commit, List<String> command, Exec exec) {
        Map<String, List<String>> overrides = new LinkedHashMap<>(request.overrides());
        overrides.put(Settings.KERNEL_REF.name(), List.of(commit));
        Request asBuild = new Request("build", request.directory(), request.startDirectory(), overrides,
                0, false, List.of(), request.kernelConfig(), request.jobs(), false, request.debug(), List.of());
        Config at = ConfigLoader.load(asBuild);
        Pipeline.Built built;
        try (ProjectLock lock = ProjectLock.acquire(at.directory(), ProjectLock.Use.BUILD, "kimg bisect build")) {
            built = Pipeline.build(at, asBuild, exec);
        } catch (StepFailed e) {
            return new Bisect.Outcome(Bisect.Verdict.SKIP, null, "build failed: " + e.getMessage());
        }
        String identity = built.kernel() == null ? null : built.kernel().identity();
        if (built.image() == null) {
            throw ConfigError.usage("bisect boots an image: Format=none builds none (use -t directory)");
        }
        var console = new ByteArrayOutputStream();
        int status;
        try (var tee = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            status = VmRunner.run(at, exec, BootInputs.from(at, built.kernel(), built.image()), command, tee);
        } catch (StepFailed e) {
            boolean panicked = e.lastLines().stream().anyMatch(l -> l.contains("panicked"));
            return new Bisect.Outcome(panicked ? Bisect.Verdict.BAD : Bisect.Verdict.SKIP, identity,
                    panicked ? "kernel panic" : "no boot: " + e.lastLines().stream().findFirst().orElse(""));
        }
        String text = console.toString(StandardCharsets.UTF_8);
        for (String splat : SPLATS) {
            if (text.contains(splat)) {
                return new Bisect.Outcome(Bisect.Verdict.BAD, identity, "splat: " + splat);
            }
        }
        if (status == 125) {
            return new Bisect.Outcome(Bisect.Verdict.SKIP, identity, "CMD exit 125 (skip)");
        }
        return new Bisect.Outcome(status == 0 ? Bisect.Verdict.GOOD : Bisect.Verdict.BAD, identity, "CMD exit " + status);
    }
}
