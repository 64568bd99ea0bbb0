package kimg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kimg.Main;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kimg against mkosi v26 itself, on every golden config run whose case directory holds an {@code oracle} file:
 * both resolve the same tree with the same arguments and every field both print must agree. The oracle is
 * {@code mkosi-summary} (mkosi v26's own config parser run with python3; {@code -Dkimg.oracle=PATH}, default
 * {@value #DEFAULT_ORACLE}); without python3 or the oracle the test is skipped, not passed.
 *
 * <p>Compared: single values kimg did not take from its own defaults (kimg's defaults differ from mkosi's on
 * purpose: Hostname=kimg, Release= per distribution), and every list and map. The {@code oracle} file may name
 * fields to leave out, one per line with a {@code #} reason.
 */
class OracleDifferentialTest {
    static final String DEFAULT_ORACLE = "/work/shared/oracle/mkosi-summary";

    /** kimg's flag spellings in golden args that mkosi spells differently (before cfg10's CLI names). */
    private static final Map<String, String> MKOSI_FLAGS = Map.of("--profiles", "--profile",
            "--packages", "--package", "--environment-files", "--env-file");

    private static final List<String> SINGLE = List.of("Distribution", "Release", "Architecture", "Format",
            "Linux", "Hostname", "Autologin", "WithDocs", "WithNetwork", "RuntimeBuildSources", "CPUs", "RAM",
            "Firmware", "Incremental");
    private static final List<String> SORTED_LISTS = List.of("Packages", "BuildPackages");
    private static final List<String> LISTS = List.of("Profiles", "EnvironmentFiles", "KernelCommandLine",
            "KernelCommandLineExtra", "QemuArgs", "Repositories");
    private static final List<String> TREES = List.of("BuildSources", "ExtraTrees", "RuntimeTrees");

    static Stream<GoldenConfigTest.Golden> cases() throws IOException {
        return GoldenConfigTest.cases().filter(g -> Files.exists(g.caseDir().resolve("oracle")));
    }

    /**
     * mkosi's answers, all asked for at once: each oracle run is a python3 start of 1-3 s, and running them two at a
     * time (the machine's cores) halves the test's wall time.
     */
    private static Map<String, java.util.concurrent.Future<JsonNode>> answers;

    private static synchronized java.util.concurrent.Future<JsonNode> answer(Path oracle,
            GoldenConfigTest.Golden golden) throws IOException {
        if (answers == null) {
            answers = new java.util.HashMap<>();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "oracle");
                t.setDaemon(true);
                return t;
            });
            for (GoldenConfigTest.Golden g : cases().toList()) {
                answers.put(g.toString(), pool.submit(() -> mkosiConfig(oracle, g.project(), g.arguments())));
            }
            pool.shutdown();
        }
        return answers.get(golden.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kimgResolvesWhatMkosiV26Resolves(GoldenConfigTest.Golden golden) throws Exception {
        Path oracle = Path.of(System.getProperty("kimg.oracle", DEFAULT_ORACLE));
        assumeTrue(Files.isExecutable(oracle), "no mkosi v26 oracle at " + oracle);
        assumeTrue(onPath("python3"), "no python3 to run the oracle");
        Path project = golden.project();
        List<String> ignored = Files.readAllLines(golden.caseDir().resolve("oracle")).stream()
                .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty()).toList();

        JsonNode kimg = kimgSettings(project, golden.arguments());
        JsonNode mkosi = answer(oracle, golden).get(2, TimeUnit.MINUTES);

        var expected = new TreeMap<String, Object>();
        var actual = new TreeMap<String, Object>();
        for (String name : SINGLE) {
            JsonNode k = kimg.get(name);
            if (ignored.contains(name) || k == null || "default".equals(k.path("origin").asText())) {
                continue;
            }
            expected.put(name, single(name, mkosi.get(name)));
            actual.put(name, k.get("value").isNull() ? null : k.get("value").asText());
        }
        for (String name : SORTED_LISTS) {
            compareList(name, kimg, mkosi, ignored, expected, actual, true);
        }
        for (String name : LISTS) {
            compareList(name, kimg, mkosi, ignored, expected, actual, false);
        }
        for (String name : TREES) {
            if (ignored.contains(name)) {
                continue;
            }
            var trees = new ArrayList<String>();
            for (JsonNode t : mkosi.path(name)) {
                String target = t.path("Target").isNull() ? "" : t.path("Target").asText();
                // kimg keeps BuildSources= targets as module names, mkosi as paths under /work/src.
                trees.add(t.path("Source").asText() + (target.isEmpty() ? "" : ":" + target.replaceFirst("^/", "")));
            }
            expected.put(name, trees);
            actual.put(name, texts(kimg.get(name).get("value")));
        }
        if (!ignored.contains("Environment")) {
            var env = new TreeMap<String, String>();
            for (String item : texts(kimg.get("Environment").get("value"))) {
                int eq = item.indexOf('=');
                env.put(eq < 0 ? item : item.substring(0, eq), eq < 0 ? "" : item.substring(eq + 1));
            }
            var mkosiEnv = new TreeMap<String, String>();
            mkosi.path("Environment").fields().forEachRemaining(e -> mkosiEnv.put(e.getKey(), e.getValue().asText()));
            expected.put("Environment", mkosiEnv);
            actual.put("Environment", env);
        }
        assertEquals(render(expected), render(actual), "mkosi v26 (expected) and kimg (actual) on " + golden);
    }

    private static void compareList(String name, JsonNode kimg, JsonNode mkosi, List<String> ignored,
            Map<String, Object> expected, Map<String, Object> actual, boolean sorted) {
        if (ignored.contains(name)) {
            return;
        }
        List<String> m = new ArrayList<>(texts(mkosi.path(name)));
        List<String> k = new ArrayList<>(texts(kimg.get(name).get("value")));
        if (sorted) {
            m.sort(null);
            k.sort(null);
        }
        expected.put(name, m);
        actual.put(name, k);
    }

    /** mkosi's JSON for a single value as text (booleans print true/false like kimg's; RAM is in bytes). */
    private static String single(String name, JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        // Incremental= is yes/no/strict in mkosi; kimg keeps booleans as true/false.
        return switch (v.asText()) {
            case "yes" -> "true";
            case "no" -> "false";
            default -> v.asText();
        };
    }

    private static List<String> texts(JsonNode array) {
        var out = new ArrayList<String>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String render(Map<String, Object> fields) {
        var sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    private static JsonNode kimgSettings(Path project, List<String> arguments) throws IOException {
        var args = new ArrayList<>(List.of("-C", project.toString()));
        args.addAll(arguments);
        args.addAll(List.of("summary", "--json"));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), project, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        JsonNode settings = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8)).get("settings");
        // RAM as bytes, the way mkosi prints it.
        var ram = (com.fasterxml.jackson.databind.node.ObjectNode) settings.get("RAM");
        ram.put("value", Long.toString(bytes(ram.get("value").asText())));
        return settings;
    }

    private static long bytes(String size) {
        char unit = size.charAt(size.length() - 1);
        String digits = Character.isDigit(unit) ? size : size.substring(0, size.length() - 1);
        int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        return Long.parseLong(digits) << shift;
    }

    private static JsonNode mkosiConfig(Path oracle, Path project, List<String> arguments) throws Exception {
        var argv = new ArrayList<>(List.of(oracle.toString(), "-C", project.toString()));
        for (String a : arguments) {
            int eq = a.indexOf('=');
            String flag = eq < 0 ? a : a.substring(0, eq);
            argv.add(MKOSI_FLAGS.getOrDefault(flag, flag) + (eq < 0 ? "" : a.substring(eq)));
        }
        Path stderr = Files.createTempFile("oracle-", ".err");
        try {
            Process p = new ProcessBuilder(argv).directory(project.toFile()).redirectError(stderr.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("the oracle did not finish: " + argv);
            }
            assertEquals(0, p.exitValue(), "oracle " + argv + ": " + Files.readString(stderr));
            return new ObjectMapper().readTree(out);
        } finally {
            Files.deleteIfExists(stderr);
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
