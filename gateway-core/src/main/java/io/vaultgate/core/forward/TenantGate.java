package io.vaultgate.core.forward;

import io.vaultgate.core.forward.DeliveryOutcome.Gone;
import io.vaultgate.core.forward.DeliveryOutcome.Paused;
import io.vaultgate.core.tenant.TenantStatus;
import java.util.Optional;

/**
 * The one rule for a claimed job whose tenant is no longer {@code ACTIVE}, applied where the tenant's status is read
 * before a request starts: when the job is looked up ({@link JobPreparation}) and when a job prepared ahead is checked
 * again ({@link ForwardAttempt#stillToSend}). A lockdown pauses the job: it is given back pending, its claim not
 * counted, and sent after the unlock ({@link Paused}). A shred ends it: the tenant was offboarded, its keys are
 * destroyed (on this node or on another one) and its files are never to leave again. That is planned, not a fault:
 * the job is settled {@link ForwardState#ABANDONED} quietly ({@link Gone}, the reason in its last error; no failure or
 * dead job counted, no dead letter, nothing to retry), as when its key is found destroyed by the shred; the shred's
 * purge then forgets the job.
 */
final class TenantGate {

    private TenantGate() {
    }

    /** Why {@code job} must not be sent while its tenant is {@code status} (empty: no row); empty if it may. */
    static Optional<DeliveryOutcome> refusal(ForwardJob job, Optional<TenantStatus> status) {
        if (status.isEmpty()) {
            return Optional.of(new Gone("file " + job.fileId() + " is never sent: its tenant " + job.tenant()
                    + " has no row in the catalog"));
        }
        return switch (status.get()) {
            case ACTIVE -> Optional.empty();
            case LOCKED -> Optional.of(new Paused("tenant " + job.tenant() + " is locked down"));
            case SHREDDED -> Optional.of(new Gone("file " + job.fileId() + " is never sent: its tenant "
                    + job.tenant() + " was shredded (offboarded; its keys are destroyed)"));
        };
    }
}
