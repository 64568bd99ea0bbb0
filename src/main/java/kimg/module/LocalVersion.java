package kimg.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local version (LV) that names the kernel's build directory, {@code <buildRoot>/kernel/<LV>}: the contents of
 * every {@code localversion*} file at the top of the source tree (sorted by name; names with {@code ~} are editor
 * backups and skipped, as kbuild's setlocalversion does), then CONFIG_LOCALVERSION's quoted value from the chosen
 * kernel config, then {@code $LOCALVERSION}. So a tree with a {@code localversion-test} file builds apart from the
 * same tree without it, and switching back finds the old build still warm.
 *
 * <p>An empty LV uses the directory {@value #EMPTY_DIRECTORY}.
 */
public record LocalVersion(String value) {
    /** The build directory name when the LV is empty (no localversion file, option or variable). */
    public static final String EMPTY_DIRECTORY = "default";

    private static final Pattern CONFIG_LOCALVERSION = Pattern.compile("^CONFIG_LOCALVERSION=\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");

    /**
     * The LV of a tree built with a given kernel config and {@code $LOCALVERSION}.
     *
     * @param envLocalVersion the LOCALVERSION variable (from Environment=), or null
     */
    public static LocalVersion of(Path sourceTree, List<String> kernelConfigLines, String envLocalVersion) {
        var sb = new StringBuilder();
        for (String content : localVersionFiles(sourceTree)) {
            sb.append(content);
        }
        sb.append(configLocalVersion(kernelConfigLines));
        if (envLocalVersion != null) {
            sb.append(envLocalVersion);
        }
        return new LocalVersion(sb.toString());
    }

    /** The contents of the tree's localversion files in name order, each without its trailing newlines. */
    static List<String> localVersionFiles(Path sourceTree) {
        var out = new ArrayList<String>();
        try (var files = Files.list(sourceTree)) {
            for (Path f : files.filter(p -> {
                        String n = p.getFileName().toString();
                        return n.startsWith("localversion") && !n.contains("~") && Files.isRegularFile(p);
                    }).sorted().toList()) {
                // setlocalversion takes each file with $(cat f): trailing newlines go, inner ones stay.
                out.add(Files.readString(f, StandardCharsets.UTF_8).replaceAll("\n+$", ""));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * CONFIG_LOCALVERSION's value from a kconfig file's lines: the text between the quotes, unescaped; "" when the
     * file does not set it. (mkosi-kernel's sed expression kept the quotes and so never matched.)
     */
    public static String configLocalVersion(List<String> kernelConfigLines) {
        String value = "";
        for (String line : kernelConfigLines) {
            Matcher m = CONFIG_LOCALVERSION.matcher(line);
            if (m.matches()) {
                value = m.group(1).replaceAll("\\\\(.)", "$1");
            }
        }
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    /**
     * The build directory name: the LV itself, {@value #EMPTY_DIRECTORY} when empty. Characters that cannot be in
     * one path element ({@code /}, NUL) become {@code _}, and "." / ".." are prefixed so they stay names.
     */
    public String directoryName() {
        if (value.isEmpty()) {
            return EMPTY_DIRECTORY;
        }
        String name = value.replace('/', '_').replace('\0', '_');
        if (name.equals(".") || name.equals("..")) {
            return "lv" + name;
        }
        return name;
    }
}
