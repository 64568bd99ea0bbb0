package kimg.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import kimg.vm.VirtiofsdCommand.Flavour;
import org.junit.jupiter.api.Test;

class VirtiofsdTest {
    @Test
    void qemus72DaemonIsTheCFlavour() {
        // What /usr/lib/qemu/virtiofsd --version prints on Debian 12.
        assertEquals(Flavour.C, Flavour.fromOutput("virtiofsd version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n"
                + "Copyright (c) 2003-2022 Fabrice Bellard and the QEMU Project developers\n"
                + "using FUSE kernel interface version 7.36\n"));
    }

    @Test
    void theRustDaemonIsKnownByItsLongOptions() {
        assertEquals(Flavour.RUST, Flavour.fromOutput("virtiofsd 1.10.1\n"));
        assertEquals(Flavour.RUST, Flavour.fromOutput("Usage: virtiofsd [OPTIONS]\n  --shared-dir <SHARED_DIR>\n"));
    }

    @Test
    void pathComesFirstThenLibexecThenQemusDirectory() {
        assertEquals(List.of(Path.of("/opt/bin/virtiofsd"), Path.of("/usr/bin/virtiofsd"),
                Path.of("/usr/libexec/virtiofsd"), Path.of("/usr/lib/qemu/virtiofsd")),
                VirtiofsdLocator.candidates("/opt/bin::/usr/bin"));
    }

    @Test
    void noCachingIsSpelledPerFlavour() {
        Share build = new Share("b", Path.of("/b"), "/work/build/b", false, Share.Cache.NEVER);
        Path sock = Path.of("/s");
        assertEquals(true, VirtiofsdCommand.argv(new VirtiofsdCommand.Virtiofsd(Path.of("/v"), Flavour.C), build, sock)
                .contains("cache=none"));
        assertEquals(true, VirtiofsdCommand.argv(new VirtiofsdCommand.Virtiofsd(Path.of("/v"), Flavour.RUST), build,
                sock).contains("never"));
    }
}
