package kimg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Run at package time (exec-maven-plugin): writes the bash/zsh completion script and the man pages (AsciiDoc,
 * one per verb) from the same command model kimg parses with, so they never drift. Module flags depend on the
 * project, so the generic model (without them) is documented; `kimg completion` prints the project's own.
 */
public final class Generate {
    private Generate() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "target");
        CommandLine cl = Cli.commandLine(Set.of("kernel"));
        Files.createDirectories(out.resolve("man"));
        Files.writeString(out.resolve("kimg_completion"), AutoComplete.bash("kimg", cl));
        ManPageGenerator.generateManPage(out.resolve("man").toFile(), null, new boolean[0], true, cl.getCommandSpec());
    }
}
