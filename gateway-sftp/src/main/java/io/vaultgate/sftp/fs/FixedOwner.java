package io.vaultgate.sftp.fs;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.Objects;

/**
 * The one owner and group every entry shows ({@link EntryAttributes#OWNER}): the gateway has no per-file owners to show,
 * and MINA prints an owner's {@link #toString()} in the long names it builds itself (those of {@code .} and {@code ..}
 * in {@code ls -l}), so the name is also what {@code toString()} says.
 */
record FixedOwner(String name) implements UserPrincipal, GroupPrincipal {

    static final FixedOwner VAULTGATE = new FixedOwner(EntryAttributes.OWNER);

    FixedOwner {
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
