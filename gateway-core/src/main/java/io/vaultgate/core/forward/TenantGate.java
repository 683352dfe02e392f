package io.vaultgate.core.forward;

import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import io.vaultgate.core.forward.DeliveryOutcome.Paused;
import io.vaultgate.core.tenant.TenantStatus;
import java.util.Optional;

/**
 * The one rule for a claimed job whose tenant is no longer {@code ACTIVE}, applied where the tenant's status is read
 * before a request starts: when the job is looked up ({@link JobPreparation}) and when a job prepared ahead is checked
 * again ({@link ForwardAttempt#stillToSend}). A lockdown pauses the job: it is given back pending, its claim not
 * counted, and sent after the unlock ({@link Paused}). A shred ends it: the tenant's keys are destroyed (on this node
 * or on another one) and its files are never to leave again, so it fails for good, as when its key is found destroyed
 * ({@link Failed}, permanent, kind {@code file}: DEAD at once; the shred then forgets the job).
 */
final class TenantGate {

    private TenantGate() {
    }

    /** Why {@code job} must not be sent while its tenant is {@code status} (empty: no row); empty if it may. */
    static Optional<DeliveryOutcome> refusal(ForwardJob job, Optional<TenantStatus> status) {
        if (status.isEmpty()) {
            return Optional.of(new Failed(Kind.FILE, "file " + job.fileId() + " is never sent: its tenant "
                    + job.tenant() + " has no row in the catalog", true));
        }
        return switch (status.get()) {
            case ACTIVE -> Optional.empty();
            case LOCKED -> Optional.of(new Paused("tenant " + job.tenant() + " is locked down"));
            case SHREDDED -> Optional.of(new Failed(Kind.FILE, "file " + job.fileId() + " is never sent: its tenant "
                    + job.tenant() + " was shredded (offboarded; its keys are destroyed)", true));
        };
    }
}
