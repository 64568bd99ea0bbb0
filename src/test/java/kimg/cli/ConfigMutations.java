package kimg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The mutations {@link ConfigFuzzTest} applies to a copied config tree, each a small act of damage a real tree
 * can suffer or an attacker can craft: cut files, flipped bytes, invalid UTF-8, huge lines, control characters,
 * lost or doubled section headers, bogus values, deep or cyclic includes, FIFOs and devices where a file should
 * be. Each returns a one-line description for the failure report.
 */
final class ConfigMutations {
    private ConfigMutations() {}

    private interface Mutation {
        String apply(Path tree, Random random) throws IOException, InterruptedException;
    }

    private static final List<Mutation> ALL = List.of(
            ConfigMutations::truncate,
            ConfigMutations::flipBytes,
            ConfigMutations::invalidUtf8,
            ConfigMutations::hugeLine,
            ConfigMutations::controlCharacters,
            ConfigMutations::duplicateSectionHeader,
            ConfigMutations::removeSectionHeader,
            ConfigMutations::bogusValue,
            ConfigMutations::bogusValue,
            ConfigMutations::randomAssignment,
            ConfigMutations::randomMatch,
            ConfigMutations::deepIncludes,
            ConfigMutations::fifoInclude,
            ConfigMutations::specialInclude,
            ConfigMutations::includeCycle,
            ConfigMutations::directoryLoop,
            ConfigMutations::lineEnds,
            ConfigMutations::indentAll,
            ConfigMutations::shuffleLines,
            ConfigMutations::replaceWithDirectory,
            ConfigMutations::danglingSymlink,
            ConfigMutations::removeFile);

    /** Applies one randomly chosen mutation to a config file (or the structure) of {@code tree}. */
    static String apply(Path tree, Random random) {
        try {
            return ALL.get(random.nextInt(ALL.size())).apply(tree, random);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- picking files -----------------------------------------------------------------------------------

    private static List<Path> configFiles(Path tree) throws IOException {
        try (Stream<Path> s = Files.walk(tree)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".conf")).sorted()
                    .toList();
        }
    }

    /** A config file of the tree; mkosi.conf is created when the tree has none left. */
    private static Path anyConfig(Path tree, Random random) throws IOException {
        List<Path> files = configFiles(tree);
        if (files.isEmpty()) {
            // mkosi.conf itself may have become a directory: add a drop-in instead.
            Path conf = tree.resolve("mkosi.conf.d/00-fuzz-" + random.nextInt(1000) + ".conf");
            Files.createDirectories(conf.getParent());
            Files.writeString(conf, "[Content]\nPackages=gcc\n");
            return conf;
        }
        return files.get(random.nextInt(files.size()));
    }

    private static String rel(Path tree, Path p) {
        return tree.relativize(p).toString();
    }

    private static List<String> lines(Path p) throws IOException {
        return new ArrayList<>(Arrays.asList(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                .split("\n", -1)));
    }

    /** Written back byte for byte (ISO-8859-1 keeps every byte as it was read). */
    private static void write(Path p, List<String> lines) throws IOException {
        Files.write(p, String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void insertBytes(Path p, int at, byte[] extra) throws IOException {
        byte[] b = Files.readAllBytes(p);
        at = Math.min(at, b.length);
        byte[] out = new byte[b.length + extra.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(extra, 0, out, at, extra.length);
        System.arraycopy(b, at, out, at + extra.length, b.length - at);
        Files.write(p, out);
    }

    private static void appendLines(Path p, String... lines) throws IOException {
        Files.write(p, ("\n" + String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
    }

    // ---- the mutations -----------------------------------------------------------------------------------

    private static String truncate(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        byte[] b = Files.readAllBytes(p);
        int at = b.length == 0 ? 0 : r.nextInt(b.length);
        Files.write(p, Arrays.copyOf(b, at));
        return "truncated " + rel(tree, p) + " at byte " + at;
    }

    private static String flipBytes(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        byte[] b = Files.readAllBytes(p);
        if (b.length == 0) {
            b = new byte[] {'['};
        }
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
        }
        Files.write(p, b);
        return "flipped " + n + " bits in " + rel(tree, p);
    }

    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xff}, {(byte) 0xc3}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xe2, (byte) 0x82}};

    private static String invalidUtf8(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        int at = r.nextInt((int) Files.size(p) + 1);
        insertBytes(p, at, BAD_UTF8[r.nextInt(BAD_UTF8.length)]);
        return "invalid UTF-8 at byte " + at + " of " + rel(tree, p);
    }

    private static String hugeLine(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        int size = 1000 + r.nextInt(300_000);
        String body = "x\u001b[1m".repeat(size / 5);
        String line = switch (r.nextInt(4)) {
            case 0 -> body; // no '='
            case 1 -> "Packages=" + body;
            case 2 -> "[" + body + "]";
            default -> body + "=" + body;
        };
        appendLines(p, "[Content]", line);
        return "huge line (" + line.length() + " chars) in " + rel(tree, p);
    }

    private static final String[] CONTROLS = {"\u0000", "\u001b[2J", "\u001b]0;pwned\u0007", "\r", "\f", "\u000b",
        "\u0085", "\u2028", "\ufeff", "\u007f", "\b\b\b", "\t"};

    private static String controlCharacters(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        int n = 1 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            int at = r.nextInt((int) Files.size(p) + 1);
            insertBytes(p, at, CONTROLS[r.nextInt(CONTROLS.length)].getBytes(StandardCharsets.UTF_8));
        }
        return n + " control characters in " + rel(tree, p);
    }

    private static String duplicateSectionHeader(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        List<String> lines = lines(p);
        List<Integer> headers = headers(lines);
        String header = headers.isEmpty() ? "[Content]" : lines.get(headers.get(r.nextInt(headers.size())));
        lines.add(r.nextInt(lines.size() + 1), header);
        write(p, lines);
        return "duplicated " + header + " in " + rel(tree, p);
    }

    private static String removeSectionHeader(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        List<String> lines = lines(p);
        List<Integer> headers = headers(lines);
        if (headers.isEmpty()) {
            return "no section header to remove in " + rel(tree, p);
        }
        String removed = lines.remove((int) headers.get(r.nextInt(headers.size())));
        write(p, lines);
        return "removed " + removed + " from " + rel(tree, p);
    }

    private static List<Integer> headers(List<String> lines) {
        var out = new ArrayList<Integer>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("[")) {
                out.add(i);
            }
        }
        return out;
    }

    private static final String[] BOGUS = {"maybe", "-1", "0", "%", "%z", "%%%", "a%", "../../../../..", "/",
        "999999999999999999999999G", "1T", "0x10", "'unterminated", "\"", "a\\", "|", "!", "|!", "::::", "x:y:z:w",
        ":kernel", "/nonexistent:kernel", "..:../..", "~", "~/x", "dür", "\ud83d\ude00", "--customize-hook=id",
        "-", "=", "==", "a=b=c", "${HOME}", "$(id)", "`id`", "\\\\", "[Match]", "yes no", "auto,auto", ",,,",
        "x".repeat(5000), "%d%r%a%t%o%O%C%P%D%F%I"};

    private static String bogusValue(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        List<String> lines = lines(p);
        var assignments = new ArrayList<Integer>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).indexOf('=') > 0 && !lines.get(i).startsWith(" ")) {
                assignments.add(i);
            }
        }
        String bogus = BOGUS[r.nextInt(BOGUS.length)];
        if (assignments.isEmpty()) {
            appendLines(p, "[Runtime]", "RAM=" + bogus);
            return "RAM=" + abbreviate(bogus) + " in " + rel(tree, p);
        }
        int at = assignments.get(r.nextInt(assignments.size()));
        String line = lines.get(at);
        String changed = line.substring(0, line.indexOf('=') + 1) + bogus;
        lines.set(at, changed);
        write(p, lines);
        return abbreviate(changed) + " at " + rel(tree, p) + ":" + (at + 1);
    }

    private static final String[][] KEYS = {
        {"Distribution", "Distribution"}, {"Distribution", "Release"}, {"Distribution", "Architecture"},
        {"Distribution", "Mirror"}, {"Output", "Format"}, {"Output", "Output"}, {"Output", "OutputDirectory"},
        {"Content", "Packages"}, {"Content", "Autologin"}, {"Content", "KernelCommandLine"},
        {"Content", "ExtraTrees"}, {"Content", "PostInstallationScripts"}, {"Content", "Hostname"},
        {"Build", "BuildSources"}, {"Build", "Environment"}, {"Build", "BuildDirectory"},
        {"Build", "KernelConfigFragments"}, {"Runtime", "RuntimeTrees"}, {"Runtime", "QemuArgs"},
        {"Runtime", "RAM"}, {"Runtime", "CPUs"}, {"Runtime", "GdbPort"}, {"Runtime", "Linux"},
        {"Config", "Include"}, {"Host", "QemuArgs"}, {"Nonsense", "Packages"}, {"Content", "Pakages"},
        {"Content", "@Packages"}, {"Content", "@"}, {"Match", "Distribution"}};

    private static String randomAssignment(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        String[] key = KEYS[r.nextInt(KEYS.length)];
        String value = BOGUS[r.nextInt(BOGUS.length)];
        appendLines(p, "[" + key[0] + "]", key[1] + "=" + value);
        return "[" + key[0] + "] " + key[1] + "=" + abbreviate(value) + " appended to " + rel(tree, p);
    }

    private static final String[] CONDITIONS = {"Distribution", "Release", "Architecture", "Format", "PathExists",
        "Environment", "BuildSources", "Packages", "Include", "Nonsense", "RAM", "Profiles", "ImageId"};

    private static String randomMatch(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        List<String> lines = lines(p);
        String cond = CONDITIONS[r.nextInt(CONDITIONS.length)];
        String value = (r.nextBoolean() ? "|" : "") + (r.nextBoolean() ? "!" : "") + BOGUS[r.nextInt(BOGUS.length)];
        lines.addAll(0, List.of("[Match]", cond + "=" + value));
        write(p, lines);
        return "[Match] " + cond + "=" + abbreviate(value) + " in " + rel(tree, p);
    }

    private static String deepIncludes(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        int depth = 10 + r.nextInt(110);
        Path dir = tree.resolve("deep");
        Files.createDirectories(dir);
        for (int i = 0; i < depth; i++) {
            Files.writeString(dir.resolve(i + ".conf"), "[Config]\nInclude=" + (i + 1) + ".conf\n");
        }
        Files.writeString(dir.resolve(depth + ".conf"), "[Content]\nPackages=deep\n");
        appendLines(p, "[Config]", "Include=" + dir.resolve("0.conf"));
        return depth + "-deep Include= chain from " + rel(tree, p);
    }

    private static String fifoInclude(Path tree, Random r) throws IOException, InterruptedException {
        boolean confD = r.nextBoolean();
        Path fifo = confD ? tree.resolve("mkosi.conf.d/50-fifo.conf") : tree.resolve("fifo.conf");
        Files.createDirectories(fifo.getParent());
        Files.deleteIfExists(fifo);
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        if (mk.waitFor() != 0) {
            throw new IOException("mkfifo failed");
        }
        if (confD) {
            return "a FIFO as mkosi.conf.d/50-fifo.conf";
        }
        Path p = anyConfig(tree, r);
        appendLines(p, "[Config]", "Include=" + fifo);
        return "Include= of a FIFO from " + rel(tree, p);
    }

    private static final String[] SPECIAL = {"/dev/zero", "/dev/null", "/dev/urandom", "/proc/self/status",
        "/proc/self/fd/0", "/", "/proc", ".", "..", "mkosi.conf.d", "%D", "%C/..", "/dev/stdin"};

    private static String specialInclude(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        String target = SPECIAL[r.nextInt(SPECIAL.length)];
        appendLines(p, "[Config]", "Include=" + target);
        return "Include=" + target + " in " + rel(tree, p);
    }

    private static String includeCycle(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        Path other = tree.resolve("cycle-" + r.nextInt(3) + ".conf");
        Files.writeString(other, "[Config]\nInclude=" + p + "\n");
        appendLines(p, "[Config]", "Include=" + other);
        return "Include= cycle " + rel(tree, p) + " ↔ " + rel(tree, other);
    }

    private static String directoryLoop(Path tree, Random r) throws IOException {
        Path confD = tree.resolve("mkosi.conf.d");
        Files.createDirectories(confD);
        Path link = confD.resolve("loop" + r.nextInt(3));
        Files.deleteIfExists(link);
        String target = r.nextBoolean() ? ".." : ".";
        Files.createSymbolicLink(link, Path.of(target));
        return "mkosi.conf.d/" + link.getFileName() + " → " + target;
    }

    private static String lineEnds(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        String end = new String[] {"\r\n", "\r", "\n\r", "\u000c"}[r.nextInt(4)];
        Files.write(p, text.replace("\n", end).getBytes(StandardCharsets.ISO_8859_1));
        return "line ends " + end.replace("\r", "CR").replace("\n", "LF").replace("\u000c", "FF") + " in "
                + rel(tree, p);
    }

    private static String indentAll(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        List<String> lines = lines(p);
        String indent = r.nextBoolean() ? "    " : "\t";
        lines.replaceAll(l -> indent + l);
        write(p, lines);
        return "indented every line of " + rel(tree, p);
    }

    private static String shuffleLines(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        List<String> lines = lines(p);
        java.util.Collections.shuffle(lines, r);
        write(p, lines);
        return "shuffled the lines of " + rel(tree, p);
    }

    private static String replaceWithDirectory(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        Files.delete(p);
        Files.createDirectories(p.resolve("mkosi.conf.d"));
        return rel(tree, p) + " is now a directory";
    }

    private static String danglingSymlink(Path tree, Random r) throws IOException {
        Path confD = tree.resolve("mkosi.conf.d");
        Files.createDirectories(confD);
        Path link = confD.resolve("90-dangling.conf");
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, Path.of(r.nextBoolean() ? "nowhere.conf" : "90-dangling.conf"));
        return "mkosi.conf.d/90-dangling.conf is a dangling or self link";
    }

    private static String removeFile(Path tree, Random r) throws IOException {
        Path p = anyConfig(tree, r);
        Files.delete(p);
        return "removed " + rel(tree, p);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
