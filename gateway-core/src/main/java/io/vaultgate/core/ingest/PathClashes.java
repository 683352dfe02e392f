package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.DirectoryRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.files.Area;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.path.VirtualPath;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Refuses an upload whose path is a directory, or lies below a file, in the namespace it lands in (the
 * uploader's own inbox, or the tenant's outbox for results): a file and a directory never share a name, so
 * every file stays reachable by listing.
 */
final class PathClashes {

    private final FileRepository files;
    private final DirectoryRepository directories = new DirectoryRepository();

    PathClashes(FileRepository files) {
        this.files = files;
    }

    /** @throws GatewayException {@code CONFLICT}, naming the path that is in the way */
    void check(Jdbc jdbc, UploadTarget target) throws SQLException {
        VirtualPath path = target.storedPath();
        boolean inbox = Area.of(path) == Area.INBOX;
        Optional<String> owner = inbox ? Optional.of(target.ownerId()) : Optional.empty();
        if (files.anyUnder(jdbc, target.tenant(), owner, path)
                || (inbox && directories.exists(jdbc, target.tenant(), target.ownerId(), path))) {
            throw new GatewayException(Reason.CONFLICT, path + ": is a directory");
        }
        for (VirtualPath dir = path.parent(); dir.depth() > 1; dir = dir.parent()) {
            boolean file = inbox
                    ? files.findOwned(jdbc, target.tenant(), target.ownerId(), dir, FileState.COMMITTED).isPresent()
                    : files.findCommitted(jdbc, target.tenant(), dir).isPresent();
            if (file) {
                throw new GatewayException(Reason.CONFLICT, path + ": " + dir + " is a file, not a directory");
            }
        }
    }
}
