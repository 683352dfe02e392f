package io.vaultgate.core.forward;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import java.time.Clock;
import java.util.Optional;

/**
 * Records every delivered forward as one audit event, with the digest the site answered and the fingerprint
 * of the certificate it presented; a job that goes dead is logged by the outbox state.
 */
public final class AuditedForwardEvents implements ForwardEvents {

    private final AuditLog audit;
    private final Database database;
    private final FileRepository files = new FileRepository();
    private final Clock clock;

    public AuditedForwardEvents(AuditLog audit, Database database, Clock clock) {
        this.audit = audit;
        this.database = database;
        this.clock = clock;
    }

    @Override
    public void delivered(ForwardJob job, DeliveryOutcome.Delivered delivery) {
        String sha256 = delivery.siteDigest().orElseGet(() -> database.read(jdbc -> files.find(jdbc, job.fileId()))
                .flatMap(file -> file.sha256()).orElse("unknown"));
        audit.append(new AuditEvent.Forwarded(clock.instant(), Optional.of(job.tenant()), AuditEvents.SYSTEM,
                job.fileId(), job.siteId(), sha256, delivery.siteCertificateSha256()));
    }
}
