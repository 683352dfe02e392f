package io.vaultgate.core.ingest;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.batch.Router;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileShredder;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.metrics.TransferMetrics;
import io.vaultgate.core.metrics.TransferOutcome;
import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how uploads end, keeping the object store, the catalog and the audit log in step. The order is
 * what makes a crash harmless: the ciphertext is durable before the catalog row says COMMITTED, and a row
 * is deleted before its object, so the start-up sweep only ever finds orphan objects, never rows without
 * data. Each outcome is one audit event, written in the transaction that makes it true.
 */
public final class UploadLedger {

    private static final Logger LOG = LoggerFactory.getLogger(UploadLedger.class);

    private final Database database;
    private final FileRepository files;
    private final ObjectStore store;
    private final FileShredder shredder;
    private final Router router;
    private final AuditLog audit;
    private final CatalogReceipts receipts;
    private final Clock clock;
    private final TransferMetrics metrics;

    public UploadLedger(Database database, FileRepository files, ObjectStore store, FileShredder shredder, Router router,
                 AuditLog audit, CatalogReceipts receipts, Clock clock) {
        this(database, files, store, shredder, router, audit, receipts, clock, CoreMetrics.inMemory(clock).transfers());
    }

    /** @param metrics told how each upload ended, with its size */
    public UploadLedger(Database database, FileRepository files, ObjectStore store, FileShredder shredder, Router router,
                 AuditLog audit, CatalogReceipts receipts, Clock clock, TransferMetrics metrics) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.shredder = shredder;
        this.router = router;
        this.audit = audit;
        this.receipts = receipts;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Makes the object durable, then in one transaction publishes the file, replaces the owner's previous
     * file at that path, routes it to its batches, audits it and issues its signed receipt.
     */
    Receipt commit(FileRecord file, PendingObject object, long size, String sha256, String actor) throws IOException {
        store.commit(file.tenant(), object);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Receipt receipt = new Receipt(file.id(), file.tenant(), file.path().toString(), size, sha256, now);
        List<FileRecord> replaced;
        try {
            replaced = publish(file, size, sha256, actor, now, receipt);
        } catch (RuntimeException e) {
            metrics.ended(file, TransferOutcome.FAILED, size);
            throw e;
        }
        metrics.ended(file, TransferOutcome.COMMITTED, size);
        replaced.forEach(shredder::deleteObject);
        LOG.info("upload committed: file={} tenant={} path={} size={}", file.id(), file.tenant(), file.path(), size);
        return receipt;
    }

    private List<FileRecord> publish(FileRecord file, long size, String sha256, String actor, Instant now,
                                     Receipt receipt) {
        return database.inTransaction(jdbc -> {
            Optional<FileRecord> previous = files.findOwned(jdbc, file.tenant(), file.accountId(), file.path(),
                    FileState.COMMITTED);
            if (previous.isPresent()) {
                files.delete(jdbc, previous.get().id());
            }
            files.updateState(jdbc, file.id(), FileState.COMMITTED, size, Optional.of(sha256), now);
            router.route(jdbc, committed(file, size, sha256, now), now);
            audit.append(jdbc, AuditEvents.committed(actor, receipt));
            receipts.issue(jdbc, receipt);
            return previous.stream().toList();
        });
    }

    private static FileRecord committed(FileRecord file, long size, String sha256, Instant now) {
        return new FileRecord(file.id(), file.tenant(), file.accountId(), file.path(), FileState.COMMITTED,
                file.objectId(), size, Optional.of(sha256), file.createdAt(), now);
    }

    /** Keeps the upload as a resumable partial of {@code kept} plaintext bytes. */
    void suspend(FileRecord file, long kept, String actor) {
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            files.updateState(jdbc, file.id(), FileState.PARTIAL, kept, Optional.empty(), now);
            audit.append(jdbc, new AuditEvent.UploadSuspended(now, Optional.of(file.tenant()), actor, file.id(),
                    file.path().toString(), kept));
            return null;
        });
        metrics.ended(file, TransferOutcome.SUSPENDED, kept);
        LOG.info("upload suspended: file={} tenant={} path={} kept={}", file.id(), file.tenant(), file.path(), kept);
    }

    /** Removes every trace of the upload but the audit event saying why. */
    void discard(FileRecord file, String actor, String reason) {
        try {
            shredder.shred(file, new AuditEvent.UploadAborted(clock.instant(), Optional.of(file.tenant()), actor,
                    file.id(), file.path().toString(), reason));
        } finally {
            metrics.ended(file, TransferOutcome.ofDiscard(reason), 0);
        }
        LOG.info("upload discarded: file={} tenant={} path={} reason={}", file.id(), file.tenant(), file.path(),
                reason);
    }
}
