package io.vaultgate.core.forward;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;

/**
 * Records every delivered forward as one audit event, with the digest the site answered and the fingerprint
 * of the certificate it presented, in the transaction that marks the job DELIVERED (one transaction and one
 * flush per file instead of two transactions); a job that goes dead is logged by the outbox state.
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

    /** In the transaction that marks the job DELIVERED: the job and its audit event are committed together. */
    @Override
    public boolean inTransaction() {
        return true;
    }

    @Override
    public void delivered(Jdbc jdbc, ForwardJob job, DeliveryOutcome.Delivered delivery) throws SQLException {
        String sha256 = delivery.siteDigest().isPresent() ? delivery.siteDigest().get()
                : files.find(jdbc, job.fileId()).flatMap(file -> file.sha256()).orElse("unknown");
        audit.append(jdbc, event(job, delivery, sha256));
    }

    @Override
    public void delivered(ForwardJob job, DeliveryOutcome.Delivered delivery) {
        String sha256 = delivery.siteDigest().orElseGet(() -> database.read(jdbc -> files.find(jdbc, job.fileId()))
                .flatMap(file -> file.sha256()).orElse("unknown"));
        audit.append(event(job, delivery, sha256));
    }

    private AuditEvent.Forwarded event(ForwardJob job, DeliveryOutcome.Delivered delivery, String sha256) {
        return new AuditEvent.Forwarded(clock.instant(), Optional.of(job.tenant()), AuditEvents.SYSTEM,
                job.fileId(), job.siteId(), sha256, delivery.siteCertificateSha256());
    }
}
