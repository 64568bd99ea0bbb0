package kimg.config;

import java.nio.file.Path;

/**
 * A host tree and where it goes in the image or guest: {@code ExtraTrees=SRC[:DST]},
 * {@code RuntimeTrees=SRC[:DST][:ro]}.
 *
 * @param source   absolute host path (it exists)
 * @param target   absolute path in the image or guest; "" when not given (each setting has its own default)
 * @param readOnly {@code :ro} (RuntimeTrees= only)
 */
public record Tree(Path source, String target, boolean readOnly) {
    @Override
    public String toString() {
        return source + (target.isEmpty() ? "" : ":" + target) + (readOnly ? ":ro" : "");
    }
}
