package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.VirtualPath;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Who may touch which part of the namespace. Clients read their namespace and write only below
 * {@code /inbox}; operators read the batches they hold and write their results; admins have no namespace. A path a principal may not see is reported
 * as not found, so its existence is never revealed.
 */
public final class Access {

    private Access() {
    }

    /** The client allowed to read {@code path}. */
    public static ClientPrincipal reader(Principal principal, VirtualPath path) {
        if (principal instanceof ClientPrincipal client) {
            Area.of(path);
            return client;
        }
        throw GatewayException.notFound(path.toString());
    }

    /** The batch at {@code /<tenant>/<batch>} of {@code path}, if the operator holds it at {@code now}. */
    public static Optional<Batch> claimedBatch(Jdbc jdbc, BatchRepository batches, OperatorPrincipal operator,
                                               VirtualPath path, Instant now) throws SQLException {
        return OperatorView.claimed(jdbc, batches, operator, path, now);
    }

    /** Where a result written at {@code path} of a claimed batch is stored for the tenant, if it is one. */
    public static Optional<VirtualPath> resultStoragePath(Batch batch, VirtualPath path) {
        return OperatorView.resultStoragePath(batch, path);
    }

    /** The client allowed to change {@code path}: only names below {@code /inbox}. */
    public static ClientPrincipal writer(Principal principal, VirtualPath path) {
        ClientPrincipal client = reader(principal, path);
        if (Area.of(path) != Area.INBOX || path.depth() < 2) {
            throw GatewayException.denied(path.toString());
        }
        return client;
    }
}
