package io.vaultgate.server.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a file the gateway owns still grants its owner the access the gateway needs, read from its mode.
 * The kernel lets root through whatever the mode says, so an access check alone would pass for a gateway
 * running as root (as in many containers) and the wrong mode would surface only after a restart under the
 * service user, or on another node; the mode tells now. Files owned by another user, and file systems
 * without POSIX modes, are left to the access check.
 */
final class OwnerPermissions {

    static final Set<PosixFilePermission> READ_WRITE = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    static final Set<PosixFilePermission> DIRECTORY = EnumSet.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private OwnerPermissions() {
    }

    /** What {@code path}'s owner lacks of {@code needed}, if the gateway's user owns it; empty when all is there. */
    static Optional<String> lacking(Path path, Set<PosixFilePermission> needed) {
        try {
            if (!Files.getOwner(path).getName().equals(System.getProperty("user.name"))) {
                return Optional.empty();
            }
            Set<PosixFilePermission> missing = EnumSet.copyOf(needed);
            missing.removeAll(Files.getPosixFilePermissions(path));
            if (missing.isEmpty()) {
                return Optional.empty();
            }
            StringBuilder names = new StringBuilder();
            for (PosixFilePermission permission : missing) {
                names.append(names.length() == 0 ? "" : ", ")
                        .append(permission.name().substring("OWNER_".length()).toLowerCase(java.util.Locale.ROOT));
            }
            return Optional.of("its mode denies its owner " + names);
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
    }
}
