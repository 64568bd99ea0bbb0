package kimg.verb;

import kimg.config.Config;
import kimg.fs.ProjectLock;
import kimg.host.HostTools;
import kimg.image.SshKey;

/**
 * {@code kimg genkey}: the project's SSH key pair, the same an Ssh=yes build would make; an existing key is kept
 * (mkosi's genkey needs -f for that).
 */
public record GenkeyVerb() implements Verb {
    @Override
    public String name() {
        return "genkey";
    }

    @Override
    public Prepared prepare(Config config) {
        return Prepared.steps(HostTools.SSH_KEYGEN, ProjectLock.Use.MODULES, context -> {
            context.out().println(SshKey.ensure(context.config().directory(), context.exec()));
            return 0;
        });
    }
}
