package kimg.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest init's command-line handling, run for real by the host's /bin/sh (dash, as in the guest) in its
 * dry-run mode: it prints each action ("+ mount ...") instead of doing it, against a fake image root.
 */
class InitScriptTest {
    @TempDir
    Path root;

    private List<String> plan(String cmdline) throws Exception {
        Path init = root.resolve("init.sh");
        Files.writeString(init, GuestSetup.initScript());
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", init.toString()).redirectErrorStream(true);
        pb.environment().put("KIMG_INIT_DRY_RUN", "1");
        pb.environment().put("KIMG_INIT_ROOT", root.toString());
        pb.environment().put("KIMG_INIT_CMDLINE", cmdline);
        pb.environment().put("PATH", System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(l -> l.replace(root.toString(), "$ROOT")).toList();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void syntaxIsPosix() throws Exception {
        Path init = root.resolve("init.sh");
        Files.writeString(init, GuestSetup.initScript());
        Path gen = root.resolve("gen.sh");
        Files.writeString(gen, GuestSetup.mountGenerator());
        for (Path script : List.of(init, gen)) {
            Process p = new ProcessBuilder("/bin/dash", "-n", script.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
        }
    }

    @Test
    void mountsTheApiFileSystemsFirst() throws Exception {
        List<String> plan = plan("console=ttyS0");
        assertEquals("+ mount -t proc proc /proc", plan.get(1));
        assertTrue(plan.contains("+ mount -t devtmpfs -o mode=0755 devtmpfs /dev"));
        assertTrue(plan.contains("+ mount -t tmpfs -o mode=0755 tmpfs /run"));
        assertTrue(plan.contains("+ mount -t tmpfs -o mode=1777 tmpfs /tmp"));
    }

    @Test
    void mountsEachVirtiofsShareReadOnlyWhenAsked() throws Exception {
        List<String> plan = plan("root=root kimg.mounts=src0:/work/src/kernel:ro,build0:/work/build quiet");
        assertTrue(plan.contains("+ mkdir -p $ROOT/work/src/kernel"), plan.toString());
        assertTrue(plan.contains("+ mount -t virtiofs -o ro src0 /work/src/kernel"));
        assertTrue(plan.contains("+ mount -t virtiofs -o rw build0 /work/build"));
    }

    @Test
    void malformedSharesAreSkippedWithAMessage() throws Exception {
        List<String> plan = plan("kimg.mounts=nocolon,:/x,tag:");
        assertFalse(plan.stream().anyMatch(l -> l.contains("virtiofs")), plan.toString());
        assertTrue(plan.contains("kimg-init: ignoring malformed share 'nocolon' (want TAG:/path[:ro])"));
    }

    @Test
    void bindMountsTheModulesFromTheBuildDirectory() throws Exception {
        assertFalse(plan("").stream().anyMatch(l -> l.contains("--bind")));
        Files.createDirectories(root.resolve("work/build/kernel/modules"));
        assertTrue(plan("").contains("+ mount --bind /work/build/kernel/modules /usr/lib/modules"));
    }

    @Test
    void setsTheHostnameFromEtcHostname() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "kimg-guest\n");
        assertTrue(plan("").contains("+ sh -c echo \"$1\" > /proc/sys/kernel/hostname sh kimg-guest"));
    }

    @Test
    void runsKimgCmdThenPrintsTheStatusAndPowersOff() throws Exception {
        List<String> plan = plan("console=ttyS0 kimg.cmd=" + b64("modprobe minix && echo 'it works'; uname -r"));
        int run = plan.indexOf("+ sh -c modprobe minix && echo 'it works'; uname -r");
        assertTrue(run > 0, plan.toString());
        assertEquals("KIMG_EXIT_STATUS=0", plan.get(run + 1));
        assertEquals("+ sync", plan.get(run + 2));
        assertTrue(plan.contains("+ sh -c echo o > /proc/sysrq-trigger"));
        assertFalse(plan.stream().anyMatch(l -> l.contains("setsid")), "no shell after the command");
    }

    @Test
    void badBase64EndsWithStatus127() throws Exception {
        List<String> plan = plan("kimg.cmd=!!!notbase64");
        assertTrue(plan.contains("KIMG_EXIT_STATUS=127"), plan.toString());
    }

    @Test
    void withoutACommandItStartsAnAutologinShellOrLogin() throws Exception {
        assertTrue(plan("").contains("+ setsid -c login"));
        Files.createDirectories(root.resolve("usr/lib/kimg"));
        Files.writeString(root.resolve("usr/lib/kimg/guest.conf"), "KIMG_AUTOLOGIN=yes\n");
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/bash"), "");
        root.resolve("bin/bash").toFile().setExecutable(true);
        assertTrue(plan("").contains("+ setsid -c /bin/bash -l"));
    }

    @Test
    void withoutACommandItExecsSystemdWhenTheImageHasIt() throws Exception {
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Files.writeString(root.resolve("usr/lib/systemd/systemd"), "");
        root.resolve("usr/lib/systemd/systemd").toFile().setExecutable(true);
        List<String> plan = plan("kimg.mounts=a:/work/a");
        assertTrue(plan.contains("+ exec /usr/lib/systemd/systemd"), plan.toString());
        assertTrue(plan.indexOf("+ mount -t virtiofs -o rw a /work/a") < plan.indexOf("+ exec /usr/lib/systemd/systemd"));
        assertFalse(plan.stream().anyMatch(l -> l.contains("setsid")));
    }

    @Test
    void systemdGeneratorWritesAMountUnitPerShareAndTheModulesBind() throws Exception {
        // The generator reads /proc/cmdline: give it a fake one in a bubblewrap sandbox.
        Path cmdline = root.resolve("cmdline");
        Files.writeString(cmdline, "console=ttyS0 kimg.mounts=src0:/work/src/my-kernel:ro,build0:/work/build\n");
        Path gen = root.resolve("gen.sh");
        Files.writeString(gen, GuestSetup.mountGenerator());
        Path out = root.resolve("out");
        Files.createDirectories(out);
        Process p = new ProcessBuilder("bwrap", "--dev-bind", "/", "/", "--ro-bind", cmdline.toString(),
                "/proc/cmdline", "/bin/sh", gen.toString(), out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), log);

        assertEquals("[Unit]\nDescription=kimg share src0\nBefore=local-fs.target\n\n[Mount]\nWhat=src0\n"
                + "Where=/work/src/my-kernel\nType=virtiofs\nOptions=ro\n",
                Files.readString(out.resolve("work-src-my\\x2dkernel.mount")));
        assertTrue(Files.readString(out.resolve("work-build.mount")).contains("Options=rw\n"));
        assertTrue(Files.isSymbolicLink(out.resolve("local-fs.target.wants/work-build.mount")));
        String modules = Files.readString(out.resolve("usr-lib-modules.mount"));
        assertTrue(modules.contains("ConditionPathIsDirectory=/work/build/kernel/modules\n"));
        assertTrue(modules.contains("Options=bind\n"));
    }

    /** A fake image with Ssh=yes in guest.conf, an eth0 and the named executables (relative paths). */
    private void sshImage(String... executables) throws Exception {
        Files.createDirectories(root.resolve("usr/lib/kimg"));
        Files.writeString(root.resolve("usr/lib/kimg/guest.conf"), "KIMG_AUTOLOGIN=yes\nKIMG_SSH=yes\n");
        Files.createDirectories(root.resolve("sys/class/net/eth0"));
        for (String e : executables) {
            Path f = root.resolve(e);
            Files.createDirectories(f.getParent());
            Files.writeString(f, "");
            f.toFile().setExecutable(true);
        }
    }

    @Test
    void sshYesConfiguresTheUserNetworkAndStartsSshdBeforeTheCommand() throws Exception {
        sshImage("usr/sbin/sshd", "usr/sbin/ip");
        Files.createDirectories(root.resolve("etc/ssh"));
        Files.writeString(root.resolve("etc/ssh/ssh_host_ed25519_key"), "key");
        List<String> plan = plan("kimg.cmd=" + b64("uname -r"));
        int lo = plan.indexOf("+ /usr/sbin/ip link set lo up");
        int eth0 = plan.indexOf("+ /usr/sbin/ip link set eth0 up");
        int addr = plan.indexOf("+ /usr/sbin/ip addr add 10.0.2.15/24 dev eth0");
        int route = plan.indexOf("+ /usr/sbin/ip route add default via 10.0.2.2");
        int runDir = plan.indexOf("+ mkdir -p $ROOT/run/sshd");
        int sshd = plan.indexOf("+ /usr/sbin/sshd -E /run/kimg-sshd.log");
        int command = plan.indexOf("+ sh -c uname -r");
        assertTrue(lo >= 0 && lo < eth0 && eth0 < addr && addr < route && route < runDir && runDir < sshd
                && sshd < command, plan.toString());
        assertFalse(plan.contains("+ ssh-keygen -A"), "the image's host keys are kept: " + plan);
    }

    @Test
    void sshYesWithoutHostKeysGeneratesThem() throws Exception {
        sshImage("usr/sbin/sshd", "bin/ip");
        List<String> plan = plan("");
        int keygen = plan.indexOf("+ ssh-keygen -A");
        assertTrue(keygen >= 0 && keygen < plan.indexOf("+ /usr/sbin/sshd -E /run/kimg-sshd.log"), plan.toString());
        assertTrue(plan.contains("+ /bin/ip addr add 10.0.2.15/24 dev eth0"), plan.toString());
    }

    @Test
    void sshYesFallsBackToBusyboxIp() throws Exception {
        sshImage("usr/sbin/sshd", "bin/busybox");
        List<String> plan = plan("");
        assertTrue(plan.contains("+ /bin/busybox ip addr add 10.0.2.15/24 dev eth0"), plan.toString());
        assertTrue(plan.contains("+ /usr/sbin/sshd -E /run/kimg-sshd.log"), plan.toString());
    }

    @Test
    void sshYesWithoutAnIpToolOrEth0SaysWhyAndStartsNoSshd() throws Exception {
        sshImage("usr/sbin/sshd");
        List<String> noTool = plan("");
        assertTrue(noTool.stream().anyMatch(l -> l.contains("neither ip (iproute2) nor busybox")), noTool.toString());
        assertFalse(noTool.stream().anyMatch(l -> l.contains("sshd -E")), noTool.toString());

        Files.delete(root.resolve("sys/class/net/eth0"));
        sshImage("usr/sbin/sshd", "usr/sbin/ip");
        Files.delete(root.resolve("sys/class/net/eth0"));
        List<String> noNic = plan("");
        assertTrue(noNic.stream().anyMatch(l -> l.contains("no eth0")), noNic.toString());
        assertFalse(noNic.stream().anyMatch(l -> l.contains("sshd -E") || l.contains(" ip ")), noNic.toString());
    }

    @Test
    void sshYesWithoutSshdSaysSoAndLeavesTheNetworkAlone() throws Exception {
        sshImage("usr/sbin/ip");
        List<String> plan = plan("");
        assertTrue(plan.contains("kimg-init: Ssh=yes but the image has no sshd (rebuild it with Ssh=yes)"),
                plan.toString());
        assertFalse(plan.stream().anyMatch(l -> l.contains("ip link")), plan.toString());
    }

    @Test
    void sshNoStartsNothing() throws Exception {
        sshImage("usr/sbin/sshd", "usr/sbin/ip");
        Files.writeString(root.resolve("usr/lib/kimg/guest.conf"), "KIMG_AUTOLOGIN=yes\nKIMG_SSH=no\n");
        List<String> plan = plan("");
        assertFalse(plan.stream().anyMatch(l -> l.contains("sshd") || l.contains("ip link")), plan.toString());
    }

    @Test
    void sshYesUnderSystemdSetsUpTheNetworkAndLeavesSshdToIt() throws Exception {
        sshImage("usr/sbin/sshd", "usr/sbin/ip", "usr/lib/systemd/systemd");
        List<String> plan = plan("");
        int addr = plan.indexOf("+ /usr/sbin/ip addr add 10.0.2.15/24 dev eth0");
        assertTrue(addr >= 0 && addr < plan.indexOf("+ exec /usr/lib/systemd/systemd"), plan.toString());
        assertFalse(plan.stream().anyMatch(l -> l.contains("sshd -E")), plan.toString());

        // With a command, systemd does not run: kimg's init starts sshd itself.
        List<String> withCommand = plan("kimg.cmd=" + b64("true"));
        assertTrue(withCommand.contains("+ /usr/sbin/sshd -E /run/kimg-sshd.log"), withCommand.toString());
    }
}
