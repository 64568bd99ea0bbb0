/**
 * One class per verb, each owning its work: {@link kimg.verb.BuildVerb}, {@link kimg.verb.QemuVerb} and
 * {@link kimg.verb.RunVerb} (sharing {@link kimg.verb.Boot}), {@link kimg.verb.SshVerb}, {@link kimg.verb.GdbVerb},
 * {@link kimg.verb.SummaryVerb}, {@link kimg.verb.CatConfigVerb}, {@link kimg.verb.CleanVerb},
 * {@link kimg.verb.GenkeyVerb}. A verb is an immutable record of its own options; {@link kimg.verb.Verb#prepare}
 * checks them against the configuration before any step and returns a {@link kimg.verb.Prepared}: the host tools
 * it needs, the {@link kimg.exec.ProjectLock.Use} it holds, and the work. {@link kimg.Pipeline} loads the
 * configuration (with the verb's {@link kimg.verb.Verb#uses}), checks, sets up the console and logs, checks the
 * tools, takes the lock once and runs the work. Nothing here sees picocli or the command line's record.
 *
 * <p>Adding a verb (e.g. {@code package}):
 * <ol>
 *   <li>here, {@code PackageVerb implements Verb}: a record of its options, {@code name()}, {@code uses()} when it
 *       builds or boots, and {@code prepare(Config)} returning {@code Prepared.steps(tools, lock, context -> ...)}
 *       ({@code Prepared.printing(...)} when it only prints);
 *   <li>in {@code kimg.cli.Verbs}, a picocli {@code @Command} class with its options that implements
 *       {@code VerbCommand} ({@code verb(Request)} makes the record; {@code withOwnOptions} puts its options into
 *       the request when other code needs them there);
 *   <li>one registration line in {@code kimg.cli.Cli#commandLine}: {@code root.addSubcommand("package", new
 *       Verbs.Package())}.
 * </ol>
 * No switch on verb names anywhere: the runner only calls {@code prepare} and the work.
 */
package kimg.verb;
