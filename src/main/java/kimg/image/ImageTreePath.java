package kimg.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Paths inside an image tree that the guest can write (its root is a read-write share): resolved the way the
 * guest's kernel would inside its chroot, one component at a time against the tree, so that no symlink the guest
 * planted ({@code modules.dep -> /root/.ssh/id_ed25519}, {@code lib -> /}) makes the host read outside the tree.
 * An absolute link target starts again at the tree's root and {@code ..} stops there.
 */
final class ImageTreePath {
    /** The kernel's own limit on symlinks followed in one lookup (ELOOP). */
    static final int MAX_LINKS = 40;

    private ImageTreePath() {}

    /**
     * The path inside {@code root} that {@code relative} names in the guest, with every symlink resolved, so it
     * holds none.
     *
     * @throws NoSuchFileException a component is missing, or there are more than {@link #MAX_LINKS} links
     */
    static Path resolve(Path root, String relative) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, relative);
        Path at = root;
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                at = at.equals(root) ? root : at.getParent();
                continue;
            }
            Path next = at.resolve(name);
            if (Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    throw new NoSuchFileException(root.resolve(relative).toString(), null, "too many symlinks");
                }
                String target = Files.readSymbolicLink(next).toString();
                push(todo, target);
                if (target.startsWith("/")) {
                    at = root;
                }
                continue;
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(next.toString());
            }
            at = next;
        }
        return at;
    }

    /** Opens {@code relative} for reading (the last component is opened with O_NOFOLLOW as well). */
    static InputStream open(Path root, String relative) throws IOException {
        Path p = resolve(root, relative);
        return Channels.newInputStream(Files.newByteChannel(p, Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS)));
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }
}
