/**
 * One class per verb, each owning its work: {@link kimg.verb.BuildVerb}, {@link kimg.verb.QemuVerb} and
 * {@link kimg.verb.RunVerb} (sharing {@link kimg.verb.Boot}), {@link kimg.verb.SshVerb}, {@link kimg.verb.GdbVerb},
 * {@link kimg.verb.SummaryVerb}, {@link kimg.verb.CatConfigVerb}, {@link kimg.verb.CleanVerb},
 * {@link kimg.verb.GenkeyVerb}. A verb is an immutable record of its own options; {@link kimg.verb.Verb#prepare}
 * checks them against the configuration before any step and returns a {@link kimg.verb.Prepared}: the host tools
 * it needs, the {@link kimg.fs.ProjectLock.Use} it holds, and the work. {@link kimg.Pipeline} loads the
 * configuration (with the verb's {@link kimg.verb.Verb#uses}), checks, sets up the console and logs, checks the
 * tools, takes the lock once and runs the work. Nothing here sees picocli or the command line's record.
 *
 * <p>Adding a verb (e.g. {@code package}, whose work is {@code Packager.run(Config, PackageOptions, Exec,
 * PrintStream)}):
 * <ol>
 *   <li>here, one record: {@code public record PackageVerb(PackageOptions options) implements Verb} with
 *       {@code name()} ("package"), {@code uses()} ({@code List.of(Setting.Use.BUILD)} when it builds,
 *       {@code Boot.USES} when it boots), and {@code prepare(Config)}: check the options against the config (throw
 *       {@code ConfigError.usage}), then {@code return Prepared.steps(tools, ProjectLock.Use.BUILD, context ->
 *       Packager.run(context.config(), options, context.exec(), context.out()))} ({@code Prepared.printing(...)}
 *       for a verb that only prints; {@code ToolsNeeded.forBuild} when it builds first);
 *   <li>in {@code kimg.cli.Verbs}, the thin picocli {@code @Command} class with the verb's own options,
 *       implementing {@code VerbCommand}: {@code verb(Request)} returns the record, from its own fields and the
 *       request's global options (-f, -j, ...); {@code autoBumps()} false when -B means nothing to it;
 *   <li>one registration line in {@code kimg.cli.Cli#commandLine}: {@code root.addSubcommand("package", new
 *       Verbs.Package())}.
 * </ol>
 * Pick the lock by what the verb touches: {@code BUILD} (build directories, caches and the image: build, clean),
 * {@code MODULES} (build directories only; runs beside a guest), {@code GUEST}/{@code GUEST_BUILD} (boots),
 * {@code ATTACH} (uses a running guest), null for none. The runner takes it once; do not take it again inside.
 * No switch on verb names anywhere: the runner only calls {@code prepare} and the work.
 */
package kimg.verb;
