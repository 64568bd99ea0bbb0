package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import kimg.Main;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Config resolution as data: every directory under {@code src/test/resources/config/<case>/} holds a project tree
 * in {@code project/} and, per run, the arguments ({@code args} or {@code args-<run>}, one per line, optional) and
 * the expected {@code kimg summary --json} output ({@code expected.json} or {@code expected-<run>.json}) with the
 * project's absolute path written as {@code $PROJECT}. A case whose tree is kept elsewhere (the mkosi-kernel copies
 * under {@code src/test/resources/mkosi-kernel/}) names it in a file {@code project-path} instead, relative to the
 * repository.
 *
 * <p>To regenerate after an intended change, run {@code mvn -o test -Dtest=GoldenConfigTest
 * -Dkimg.golden.update=true} and review the diff before committing it.
 */
class GoldenConfigTest {
    private static final Path CASES = Path.of("src/test/resources/config");

    /** One run of one case: {@code run} is "" for {@code args}/{@code expected.json}. */
    record Golden(Path caseDir, String run) {
        Path project() {
            Path pointer = caseDir.resolve("project-path");
            try {
                Path p = Files.exists(pointer) ? Path.of(Files.readString(pointer).strip()) : caseDir.resolve("project");
                return p.toAbsolutePath().normalize();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** The arguments of this run, one per line in {@code args[-run]}, empty lines skipped. */
        List<String> arguments() {
            try {
                return Files.exists(args()) ? Files.readAllLines(args()).stream().filter(l -> !l.isEmpty()).toList()
                        : List.of();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        Path args() {
            return caseDir.resolve(run.isEmpty() ? "args" : "args-" + run);
        }

        Path expected() {
            return caseDir.resolve(run.isEmpty() ? "expected.json" : "expected-" + run + ".json");
        }

        @Override
        public String toString() {
            return caseDir.getFileName() + (run.isEmpty() ? "" : " " + run);
        }
    }

    static Stream<Golden> cases() throws IOException {
        var out = new ArrayList<Golden>();
        try (Stream<Path> dirs = Files.list(CASES)) {
            for (Path caseDir : dirs.filter(Files::isDirectory).sorted().toList()) {
                var runs = new TreeSet<String>();
                try (Stream<Path> files = Files.list(caseDir)) {
                    for (Path f : files.toList()) {
                        String n = f.getFileName().toString();
                        if (n.equals("args") || n.equals("expected.json")) {
                            runs.add("");
                        } else if (n.startsWith("args-")) {
                            runs.add(n.substring("args-".length()));
                        } else if (n.startsWith("expected-") && n.endsWith(".json")) {
                            runs.add(n.substring("expected-".length(), n.length() - ".json".length()));
                        }
                    }
                }
                if (runs.isEmpty()) {
                    runs.add("");
                }
                runs.forEach(r -> out.add(new Golden(caseDir, r)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void summaryJsonMatchesExpected(Golden golden) throws IOException {
        Path project = golden.project();
        var args = new ArrayList<>(List.of("-C", project.toString()));
        args.addAll(golden.arguments());
        args.addAll(List.of("summary", "--json"));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), project, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String actual = out.toString(StandardCharsets.UTF_8).replace(project.toString(), "$PROJECT");

        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        kimg.Golden.assertFile(golden.expected(), actual);
    }
}
