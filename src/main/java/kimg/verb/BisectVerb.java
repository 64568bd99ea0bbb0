package kimg.verb;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import kimg.cli.ExitCode;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigError;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.config.Origin;
import kimg.config.Setting;
import kimg.config.Settings;
import kimg.config.ValueParser;
import kimg.exec.Cmd;
import kimg.exec.Exec;
import kimg.exec.StepFailed;
import kimg.fs.ProjectLock;
import kimg.host.HostTools.Tool;
import kimg.host.HostTools;
import kimg.module.KernelBuilder;
import kimg.source.Bisect;
import kimg.source.GitCommands;
import kimg.source.KernelCheckout;
import kimg.vm.BootInputs;
import kimg.vm.GuestRun;
import kimg.vm.VmRunner;

/**
 * {@code kimg bisect GOOD BAD -- CMD...}: {@link Bisect} over the kernel repository in kimg's own worktree, each
 * step a build at the commit (KernelRef=<sha>, so identities are reused and the one build directory stays warm)
 * and a run of CMD: exit 0 good; CMD failing, a panic or a splat on the console bad; a failed build or a guest that
 * never ran CMD skip (125 from CMD skips too). It builds and boots for its whole run, so it holds the guest and
 * build lock once (GUEST_BUILD); each step's build and boot run under it.
 *
 * @param base    the project, start directory and settings flags (each step adds KernelRef=)
 * @param options the kernel build's options (-c, -j)
 * @param args    GOOD, BAD, then CMD
 */
public record BisectVerb(ConfigInput base, BuildOptions options, List<String> args) implements Verb {
    public BisectVerb {
        args = List.copyOf(args);
    }

    @Override
    public String name() {
        return "bisect";
    }

    @Override
    public List<Setting.Use> uses() {
        return Boot.USES;
    }

    @Override
    public Prepared prepare(Config config) {
        if (args.size() < 3) {
            throw ConfigError.usage("kimg bisect needs GOOD BAD -- COMMAND [ARGS...]");
        }
        for (String ref : args.subList(0, 2)) {
            ValueParser.GIT_REF.parse(ref, Origin.COMMAND_LINE, "bisect");
        }
        Path repo = KernelBuilder.sourceTree(config);
        if (!Files.exists(repo.resolve(".git"))) {
            throw new ConfigError(config.origin(Settings.BUILD_SOURCES), "BuildSources", repo
                    + " is not a git repository: kimg bisect needs the kernel's git history");
        }
        var tools = new java.util.ArrayList<Tool>(ToolsNeeded.forBuild(config, options));
        tools.add(Tool.command("git", "git"));
        tools.addAll(ToolsNeeded.qemu(config));
        return Prepared.steps(tools, ProjectLock.Use.GUEST_BUILD, context -> run(context.config(), context.exec(),
                context.out()));
    }

    private int run(Config config, Exec exec, PrintStream out) {
        List<String> command = args.subList(2, args.size());
        Path repo = KernelBuilder.sourceTree(config);
        var git = new GitCommands(repo);
        String good = resolve(git, args.get(0), exec);
        String bad = resolve(git, args.get(1), exec);
        // git bisect would build GOOD first and only then refuse; a BAD at or before GOOD is a swapped pair.
        if (exec.runUnchecked("bisect-check-order", Cmd.of(git.isAncestor(bad, good))).exitStatus() == 0) {
            throw ConfigError.usage("bisect: BAD " + args.get(1) + (good.equals(bad) ? " is the same commit as"
                    : " is an ancestor of") + " GOOD " + args.get(0) + ": nothing to bisect (kimg bisect GOOD BAD"
                    + " -- CMD: the older, good commit first)");
        }
        Path worktree = config.moduleBuildDirectory("kernel").resolve(KernelCheckout.WORKTREE);
        HostTools.ensure("qemu", ToolsNeeded.qemu(config), exec);
        Bisect.Result result = Bisect.run(worktree, good, bad, commit -> step(commit, command, exec), exec);
        Bisect.print(result, out);
        if (!result.goodIsGood()) {
            throw StepFailed.because("bisect", "GOOD " + args.get(0) + " is not good: "
                    + result.rows().get(0).outcome().why());
        }
        if (result.badIsGood()) {
            throw StepFailed.because("bisect", "BAD " + args.get(1) + " is not bad: "
                    + result.rows().get(1).outcome().why());
        }
        return result.firstBad() == null ? ExitCode.STEP_FAILED.code : ExitCode.OK.code;
    }

    private static String resolve(GitCommands git, String ref, Exec exec) {
        return KernelCheckout.resolve(git, ref, exec).orElseThrow(() -> ConfigError.usage(
                "bisect: '" + ref + "' names no commit in " + git.repo()));
    }

    /** One step: build at {@code commit}, boot, run CMD, judge. */
    Bisect.Outcome step(String commit, List<String> command, Exec exec) {
        Map<String, List<String>> overrides = new LinkedHashMap<>(base.overrides());
        overrides.put(Settings.KERNEL_REF.name(), List.of(commit));
        Config at = ConfigLoader.load(base.withOverrides(overrides).withUses(Boot.USES));
        ProjectBuild.Built built;
        try {
            built = ProjectBuild.run(at, new BuildOptions(false, List.of(), options.kernelConfig(), 0,
                    options.jobs()), false, exec);
        } catch (StepFailed e) {
            return new Bisect.Outcome(Bisect.Verdict.SKIP, null, "build failed: " + e.getMessage());
        }
        String identity = built.kernel() == null ? null : built.kernel().identity();
        if (built.image() == null) {
            throw ConfigError.usage("bisect boots an image: Format=none builds none (use -t directory)");
        }
        var console = new ByteArrayOutputStream();
        GuestRun run;
        try (var tee = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            run = VmRunner.run(at, exec, BootInputs.from(at, built.kernel(), built.image()), command, tee);
        } catch (StepFailed e) {
            return new Bisect.Outcome(Bisect.Verdict.SKIP, identity,
                    "no boot: " + e.lastLines().stream().findFirst().orElse(""));
        }
        if (run.panicked()) {
            return new Bisect.Outcome(Bisect.Verdict.BAD, identity, "kernel panic");
        }
        if (run.splatFails(at.get(Settings.ALLOW_WARNINGS))) {
            return new Bisect.Outcome(Bisect.Verdict.BAD, identity, "kernel splat: " + run.splats().get(0).kind());
        }
        if (run.commandStatus() == null) {
            return new Bisect.Outcome(Bisect.Verdict.SKIP, identity, run.timedOut() ? "timed out" : "CMD never ran");
        }
        int status = run.commandStatus();
        if (status == 125) {
            return new Bisect.Outcome(Bisect.Verdict.SKIP, identity, "CMD exit 125 (skip)");
        }
        return new Bisect.Outcome(status == 0 ? Bisect.Verdict.GOOD : Bisect.Verdict.BAD, identity, "CMD exit " + status);
    }
}
