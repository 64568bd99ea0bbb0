package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import kimg.Golden;
import kimg.config.Architecture;
import kimg.exec.Exec;
import kimg.exec.StepLogs;
import kimg.host.HostTools;
import kimg.ui.Console;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compiled guest init, built by the host's gcc through {@link GuestInit#program} and run in its dry-run mode
 * against a fake image root; its mounts must be exactly the shell init's.
 */
class GuestInitTest {
    @TempDir
    static Path cache;
    @TempDir
    Path root;
    static Path program;

    @BeforeAll
    static void compile() {
        var exec = new Exec(new StepLogs(cache.resolve("logs")),
                Console.plain(new PrintStream(new ByteArrayOutputStream())));
        program = GuestInit.program(exec, cache, Architecture.host())
                .orElseThrow(() -> new AssertionError("gcc -static failed"));
    }

    private List<String> plan(List<String> command, String cmdline) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("KIMG_INIT_DRY_RUN", "1");
        pb.environment().put("KIMG_INIT_ROOT", root.toString());
        pb.environment().put("KIMG_INIT_CMDLINE", cmdline);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(l -> l.replace(root.toString(), "$ROOT")).toList();
    }

    private List<String> plan(String cmdline) throws Exception {
        return plan(List.of(program.toString()), cmdline);
    }

    private List<String> shellPlan(String cmdline) throws Exception {
        Path script = root.resolve("init.sh");
        Files.writeString(script, GuestSetup.initScript());
        try {
            return plan(List.of("/bin/sh", script.toString()), cmdline);
        } finally {
            Files.delete(script);
        }
    }

    private static List<String> mountsAndDirectories(List<String> plan) {
        return plan.stream().filter(l -> l.startsWith("+ mount ") || l.startsWith("+ mkdir ")
                || l.startsWith("kimg-init: ignoring")).toList();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void compilesWithTheGoldenCommandLineOncePerSource() {
        Golden.assertArgv("image/guest-init.argv", GuestInit.compileArgv("gcc", Path.of("/c/init.c"),
                Path.of("/c/init")));
        assertTrue(program.getParent().getFileName().toString().startsWith(GuestInit.CACHE_PREFIX));
        long built = program.toFile().lastModified();
        var exec = new Exec(new StepLogs(cache.resolve("logs2")),
                Console.plain(new PrintStream(new ByteArrayOutputStream())));
        assertEquals(program, GuestInit.program(exec, cache, Architecture.host()).orElseThrow());
        assertEquals(built, program.toFile().lastModified(), "the cached program is not compiled again");
    }

    @Test
    void anArm64ImageGetsAnInitFromTheCrossGccThatRunsUnderQemuUser() throws Exception {
        Architecture foreign = Architecture.host() == Architecture.ARM64 ? Architecture.X86_64 : Architecture.ARM64;
        String gcc = foreign.gcc(Architecture.host());
        Assumptions.assumeTrue(HostTools.onPath(gcc), gcc + " not installed (apt install "
                + foreign.gccPackage(Architecture.host()) + ")");
        var exec = new Exec(new StepLogs(cache.resolve("logs-cross")),
                Console.plain(new PrintStream(new ByteArrayOutputStream())));
        Path cross = GuestInit.program(exec, cache, foreign).orElseThrow(() -> new AssertionError(gcc + " failed"));
        assertTrue(cross.getParent().getFileName().toString().endsWith("-" + foreign), cross.toString());
        assertTrue(GuestInit.inputLine(foreign).endsWith("-" + foreign));
        assertEquals(GuestInit.inputLine(Architecture.host()), "guest-init=" + program.getParent().getFileName()
                .toString().substring(GuestInit.CACHE_PREFIX.length()), "the host's keeps its name");
        // ELF e_machine (offset 18, little-endian): 183 is AArch64, 62 is x86-64.
        byte[] elf = Files.readAllBytes(cross);
        assertEquals(foreign == Architecture.ARM64 ? 183 : 62, (elf[18] & 0xff) | (elf[19] & 0xff) << 8);
        String qemuUser = "qemu-" + foreign.binfmtEntry().substring("qemu-".length()) + "-static";
        Assumptions.assumeTrue(HostTools.onPath(qemuUser), qemuUser + " not installed");
        List<String> plan = plan(List.of(qemuUser, cross.toString()), "kimg.cmd=" + b64("uname -m"));
        assertTrue(plan.contains("+ exec without sh: [uname] [-m]"), plan.toString());
    }

    @Test
    void mountsExactlyWhatTheShellInitMounts() throws Exception {
        Files.createDirectories(root.resolve("work/build/kernel/modules"));
        Files.createDirectories(root.resolve("work/src"));
        for (String cmdline : List.of("console=ttyS0",
                "root=root kimg.mounts=src0:/work/src/kernel:ro,build0:/work/build:rw,x:/a/b quiet",
                "kimg.mounts=nocolon,:/x,tag:,t::ro",
                "kimg.mounts=a:/work/a kimg.cmd=" + b64("true"))) {
            assertEquals(mountsAndDirectories(shellPlan(cmdline)), mountsAndDirectories(plan(cmdline)), cmdline);
        }
    }

    @Test
    void runsKimgCmdWithShThenPrintsTheStatusAndPowersOff() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "kimg-guest\n");
        List<String> plan = plan("console=ttyS0 kimg.cmd=" + b64("modprobe minix && echo 'it works'; uname -r"));
        int run = plan.indexOf("+ /bin/sh -c modprobe minix && echo 'it works'; uname -r");
        assertTrue(run > 0, plan.toString());
        assertTrue(plan.indexOf("+ sethostname kimg-guest") < run, plan.toString());
        assertEquals(List.of("KIMG_EXIT_STATUS=0", "+ sync", "+ power off"), plan.subList(run + 1, plan.size()));
    }

    @Test
    void aPlainCommandIsExecutedWithoutAShellAnythingElseUnderSh() throws Exception {
        assertTrue(plan("kimg.cmd=" + b64("modprobe -q minix")).contains("+ exec without sh: [modprobe] [-q] [minix]"));
        for (String shell : List.of("echo 'a b'", "FOO=1 env", "ls *", "a && b", "cat </x", "echo $HOME", "a # c")) {
            List<String> plan = plan("kimg.cmd=" + b64(shell));
            assertFalse(plan.stream().anyMatch(l -> l.startsWith("+ exec without sh")), shell + ": " + plan);
            assertTrue(plan.contains("+ /bin/sh -c " + shell), shell + ": " + plan);
        }
    }

    @Test
    void badBase64EndsWithStatus127() throws Exception {
        List<String> plan = plan("kimg.cmd=!!!notbase64");
        assertTrue(plan.contains("kimg-init: kimg.cmd is not valid base64"), plan.toString());
        assertTrue(plan.contains("KIMG_EXIT_STATUS=127"), plan.toString());
        assertFalse(plan.stream().anyMatch(l -> l.startsWith("+ /bin/sh")), plan.toString());
    }

    @Test
    void decodesEveryBase64Padding() throws Exception {
        for (String text : List.of("a", "ab", "abc", "abcd", "echo \"é ü\" | tr a b")) {
            assertTrue(plan("kimg.cmd=" + b64(text)).contains("+ /bin/sh -c " + text), text);
        }
    }

    private void executable(String path) throws Exception {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, "");
        f.toFile().setExecutable(true);
    }

    @Test
    void withoutACommandItExecsSystemdOrStartsAShellOrLogin() throws Exception {
        assertTrue(plan("").contains("+ setsid -c /bin/login"));
        Files.createDirectories(root.resolve("usr/lib/kimg"));
        Files.writeString(root.resolve("usr/lib/kimg/guest.conf"), "KIMG_AUTOLOGIN=yes\nKIMG_SSH=no\n");
        assertTrue(plan("").contains("+ setsid -c /bin/sh -l"));
        executable("bin/bash");
        List<String> shell = plan("");
        assertEquals(List.of("+ setsid -c /bin/bash -l", "+ sync", "+ power off"),
                shell.subList(shell.size() - 3, shell.size()));
        executable("usr/lib/systemd/systemd");
        List<String> systemd = plan("kimg.mounts=a:/work/a");
        assertEquals("+ exec /usr/lib/systemd/systemd", systemd.get(systemd.size() - 1));
        assertTrue(systemd.indexOf("+ mount -t virtiofs -o rw a /work/a") >= 0, systemd.toString());
    }

    @Test
    void sshYesHandsOverToTheShellInitAfterTheMounts() throws Exception {
        Files.createDirectories(root.resolve("usr/lib/kimg"));
        Files.writeString(root.resolve("usr/lib/kimg/guest.conf"), "KIMG_AUTOLOGIN=yes\nKIMG_SSH=yes\n");
        List<String> plan = plan("kimg.mounts=a:/work/a kimg.cmd=" + b64("true"));
        assertEquals("+ exec /bin/sh " + GuestSetup.INIT_SH, plan.get(plan.size() - 1));
        assertTrue(plan.contains("+ mount -t virtiofs -o rw a /work/a"), plan.toString());
        assertFalse(plan.stream().anyMatch(l -> l.startsWith("+ /bin/sh -c")), plan.toString());
    }
}
