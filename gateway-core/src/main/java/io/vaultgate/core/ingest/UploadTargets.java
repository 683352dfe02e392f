package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.batch.Batch;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.files.Access;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.policy.PolicyGate;
import java.time.Clock;
import java.util.Optional;

/**
 * Decides where a principal's upload goes: a client's into its own inbox; an operator's results, written
 * below {@code /<tenant>/<batch>/results/} of a batch it holds, into that tenant's
 * {@code /outbox/<batch>/}, once it acknowledged the tenant's current data-handling policy ({@link PolicyGate}, as for
 * its reads). Everything else is refused.
 */
final class UploadTargets {

    private final Database database;
    private final BatchRepository batches;
    private final Clock clock;
    private final PolicyGate policyGate = new PolicyGate();

    UploadTargets(Database database, BatchRepository batches, Clock clock) {
        this.database = database;
        this.batches = batches;
        this.clock = clock;
    }

    UploadTarget resolve(Principal principal, VirtualPath path) {
        if (principal instanceof OperatorPrincipal operator) {
            return database.read(jdbc -> {
                Batch batch = Access.claimedBatch(jdbc, batches, operator, path, clock.instant())
                        .orElseThrow(() -> GatewayException.notFound(path.toString()));
                policyGate.requireAcknowledged(jdbc, operator, batch.tenant());
                VirtualPath stored = Access.resultStoragePath(batch, path)
                        .orElseThrow(() -> new GatewayException(Reason.ACCESS_DENIED, path + ": batch files are "
                                + "read-only; write results below the batch's results directory"));
                return new UploadTarget(batch.tenant(), operator.operatorId(), stored, Optional.of(batch.id()));
            });
        }
        ClientPrincipal client = Access.writer(principal, path);
        return new UploadTarget(client.tenant(), client.accountId(), path, Optional.empty());
    }
}
