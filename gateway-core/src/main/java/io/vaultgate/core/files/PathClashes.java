package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.DirectoryRepository;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Refuses a file name (an upload's, or a rename's target) that is a directory, or lies below a file, in the
 * namespace it lands in (the owner's own inbox, or the tenant's outbox): a file and a directory never share a
 * name, so every file stays reachable by listing. Exact only in a transaction that took the tenant's name
 * lock first ({@link io.vaultgate.core.catalog.TenantRepository#lockNames}).
 */
public final class PathClashes {

    private final FileRepository files;
    private final DirectoryRepository directories = new DirectoryRepository();

    public PathClashes(FileRepository files) {
        this.files = files;
    }

    /**
     * @param ownerId the account (or operator) owning the file: its inbox is its own namespace
     * @throws GatewayException {@code CONFLICT}, naming the path that is in the way
     */
    public void check(Jdbc jdbc, TenantId tenant, String ownerId, VirtualPath path) throws SQLException {
        boolean inbox = Area.of(path) == Area.INBOX;
        Optional<String> owner = inbox ? Optional.of(ownerId) : Optional.empty();
        if (files.anyUnder(jdbc, tenant, owner, path)
                || (inbox && directories.exists(jdbc, tenant, ownerId, path))) {
            throw new GatewayException(Reason.CONFLICT, path + ": is a directory");
        }
        for (VirtualPath dir = path.parent(); dir.depth() > 1; dir = dir.parent()) {
            boolean file = inbox
                    ? files.findOwned(jdbc, tenant, ownerId, dir, FileState.COMMITTED).isPresent()
                    : files.findCommitted(jdbc, tenant, dir).isPresent();
            if (file) {
                throw new GatewayException(Reason.CONFLICT, path + ": " + dir + " is a file, not a directory");
            }
        }
    }
}
