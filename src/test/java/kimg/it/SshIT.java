package kimg.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import kimg.config.BuildOptions;
import kimg.config.Config;
import kimg.config.ConfigInput;
import kimg.config.ConfigLoader;
import kimg.exec.Exec;
import kimg.fs.FileTrees;
import kimg.image.GuestHostKey;
import kimg.image.ImageArtifacts;
import kimg.image.ImageBuilder;
import kimg.manifest.ManifestRecords;
import kimg.module.KernelArtifacts;
import kimg.vm.BootInputs;
import kimg.vm.Ssh;
import org.junit.jupiter.api.Test;

/**
 * Ssh=yes end to end: the image build generates the project's key and authorises it, the guest's init brings up
 * the user network and sshd, and the ssh command line of {@code kimg ssh} runs a command in the running guest
 * through QEMU's port forward, which listens on the host's loopback only.
 *
 * <p>An image with sshd has its own package set, so it gets its own cache (one extra mmdebstrap per clean run).
 */
class SshIT {
    /** sshd starts in the background while the guest boots; under TCG that takes a while. */
    private static final Duration SSH_READY = Duration.ofMinutes(3);

    @Test
    void sshRunsACommandInTheRunningGuestThroughALoopbackOnlyForward() throws Exception {
        KernelArtifacts kernel = KernelFixture.built();
        Path itProjects = Files.createDirectories(KernelFixture.repositoryRoot().resolve("target/it-projects"));
        Path project = Files.createTempDirectory(itProjects, "ssh-");
        Path control = Files.createDirectories(project.resolve("control"));
        int port = freeLoopbackPort();
        // A project file, so the child kimg below reads the same configuration as this test.
        ItProject.debian().output("directory")
                .build("CacheDirectory=" + itProjects.resolve("ssh-cache"))
                .content("Autologin=yes", "Hostname=kimg-it", "Ssh=yes")
                .runtime("SshPort=" + port, "RuntimeTrees=" + control + ":" + LiveGuest.GUEST_CONTROL, "RAM=512M")
                .write(project);
        Config config = ConfigLoader.load(ConfigInput.of(project).forBuild());
        Exec exec = RootfsFixture.exec(config);
        try {
            assertFalse(Files.exists(project.resolve("mkosi.key")));
            ImageArtifacts image = ImageBuilder.build(config, BuildOptions.defaults(), exec, List.of());

            String publicKey = Files.readString(project.resolve("mkosi.key.pub"));
            assertTrue(publicKey.startsWith("ssh-ed25519 "), publicKey);
            Path authorized = image.root().resolve("root/.ssh/authorized_keys");
            assertEquals(publicKey, Files.readString(authorized));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(authorized)));
            assertTrue(Files.isExecutable(image.root().resolve("usr/sbin/sshd")), "openssh-server is installed");

            BootInputs inputs = BootInputs.from(config, kernel, image);
            Path key = Ssh.key(config, inputs);
            try (LiveGuest guest = LiveGuest.start(control, config, exec, inputs, "true", 900,
                    Duration.ofMinutes(3))) {
                List<String> listeners = tcpListeners(port);
                assertFalse(listeners.isEmpty(), "nothing listens on port " + port);
                assertEquals(List.of("127.0.0.1"), listeners.stream().distinct().toList(),
                        "the forward listens on loopback only");

                SshResult result = sshUntilReady(config, key, List.of("uname", "-r"));
                if (result.status != 0) {
                    LiveGuest.Step log = guest.run("cat /run/kimg-sshd.log; ip addr", Duration.ofMinutes(1));
                    throw new AssertionError("ssh never succeeded: " + result + "\nguest:\n" + log.text()
                            + "\nconsole:\n" + guest.console());
                }
                assertEquals(kernel.release(), result.output.strip(), result::toString);

                // A second command with quoting and a non-zero status: the words arrive intact, the status back.
                SshResult quoted = ssh(config, key, List.of("sh", "-c", "echo \"$0 $1\"; exit 5", "a b", "c"));
                assertEquals(5, quoted.status, quoted::toString);
                assertEquals("a b c", quoted.output.strip(), quoted::toString);

                // Issue 11.13: the guest's host key is pinned. Another key in known_hosts (a different machine
                // answering on the port) is refused, not trusted on first use.
                Path knownHosts = GuestHostKey.knownHostsFile(config);
                String pinned = Files.readString(knownHosts);
                Path otherKey = project.resolve("other-host-key");
                new ProcessBuilder(kimg.image.SshKey.keygenArgv(otherKey)).inheritIO().start().waitFor();
                String other = Files.readString(otherKey.resolveSibling("other-host-key.pub")).split(" ")[1];
                Files.writeString(knownHosts, GuestHostKey.ALIAS + " ssh-ed25519 " + other + "\n");
                SshResult impostor = ssh(config, key, List.of("true"));
                Files.writeString(knownHosts, pinned);
                assertEquals(255, impostor.status, impostor::toString);
                assertTrue(impostor.output.contains("Host key verification failed")
                        || impostor.output.contains("HOST IDENTIFICATION HAS CHANGED"), impostor::toString);

                // The verb itself, as a user runs it after kimg build: it finds the image through the manifest.
                ManifestRecords.of(config, false, kernel, image, List.of(), exec.logs().records(), Optional.empty())
                        .write(config.outputDirectory());
                ChildKimg verb = kimgInChild(project, "ssh", "--", "sh", "-c",
                        "uname -r > " + LiveGuest.GUEST_CONTROL + "/ssh-out; exit 7");
                assertEquals(7, verb.status, verb::toString);
                assertEquals(kernel.release(), Files.readString(control.resolve("ssh-out")).strip(), verb::toString);

                assertEquals(0, guest.stop(Duration.ofMinutes(1)), guest::console);
            }
        } finally {
            FileTrees.deleteRecursively(project);
        }
    }

    private record SshResult(int status, String output) {}

    private record ChildKimg(int status, String output) {}

    /**
     * kimg in its own JVM: {@code kimg ssh} hands ssh this process's stdin, which in a forked test JVM is the
     * build tool's command channel; a child with stdin from /dev/null keeps it out of reach.
     */
    private static ChildKimg kimgInChild(Path project, String... args) throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var argv = new ArrayList<>(List.of(javaBin, "-cp", classpath, kimg.Main.class.getName()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).directory(project.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        var output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            throw new AssertionError("kimg " + String.join(" ", args) + " did not end:\n" + output.get());
        }
        return new ChildKimg(p.exitValue(), output.get());
    }

    /** Retries until sshd answers (connection refused/reset while it starts) or the time is up. */
    private static SshResult sshUntilReady(Config config, Path key, List<String> command) throws Exception {
        long start = System.nanoTime();
        long deadline = start + SSH_READY.toNanos();
        SshResult last;
        int attempts = 0;
        do {
            last = ssh(config, key, command);
            attempts++;
            if (last.status == 0) {
                System.err.printf("SshIT: ssh answered after %d attempt(s), %.1f s after the guest was ready%n",
                        attempts, (System.nanoTime() - start) / 1e9);
                return last;
            }
            Thread.sleep(2000);
        } while (System.nanoTime() < deadline);
        return last;
    }

    /** The argv of {@code kimg ssh -- COMMAND}, made non-interactive (no password prompt, bounded connect). */
    private static SshResult ssh(Config config, Path key, List<String> command) throws Exception {
        var argv = new ArrayList<>(Ssh.argv(config, key, command));
        argv.addAll(1, List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=30"));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            return new SshResult(-1, "ssh timed out");
        }
        return new SshResult(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static int freeLoopbackPort() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The local addresses of the listening TCP sockets on {@code port} (from /proc/net/tcp and tcp6). */
    static List<String> tcpListeners(int port) throws IOException {
        var out = new ArrayList<String>();
        String wantedPort = String.format(Locale.ROOT, "%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] f = line.strip().split("\\s+");
                String[] local = f[1].split(":");
                if (local[1].equals(wantedPort) && f[3].equals("0A")) {
                    out.add(address(local[0]));
                }
            }
        }
        return out;
    }

    /** /proc/net/tcp prints an IPv4 address as one little-endian hex word; an IPv6 one is left in hex. */
    private static String address(String hex) {
        if (hex.length() != 8) {
            return hex;
        }
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }
}
