package kimg.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one bwrap builder: settings first, mounts in call order, --clearenv before every --setenv. */
class SandboxTest {
    @Test
    void rendersSettingsThenMountsInOrderThenEnvironmentThenCommand() {
        List<String> argv = Sandbox.builder()
                .setenv("A", "1")
                .bind(Path.of("/img"), "/")
                .chdir("/w")
                .tmpfs("/tmp")
                .clearEnvironment()
                .unshare(Sandbox.Namespace.NET, Sandbox.Namespace.PID)
                .symlink("usr/bin", "/bin")
                .setenv("A", "2")
                .command("sh", "-c", "true").argv();
        assertEquals(List.of("bwrap", "--die-with-parent", "--unshare-pid", "--unshare-net", "--clearenv",
                "--bind", "/img", "/", "--tmpfs", "/tmp", "--symlink", "usr/bin", "/bin", "--chdir", "/w",
                "--setenv", "A", "2", "--", "sh", "-c", "true"), argv);
    }

    @Test
    void isolatedKeepsTheNetworkOnlyWhenAskedAndAnEmptyCommandEndsWithTheSeparator() {
        assertEquals(List.of("bwrap", "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-net", "--"), Sandbox.builder().isolated(false).command(List.of()).argv());
        assertEquals(List.of("bwrap", "--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf", "--"), Sandbox.builder().isolated(true)
                .roBindTry("/etc/resolv.conf", "/etc/resolv.conf").command(List.of()).argv());
    }
}
