package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.LogText;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.batch.EmptyBatches;
import io.vaultgate.core.batch.Router;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.PartialUploadRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileShredder;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.metrics.TransferMetrics;
import io.vaultgate.core.metrics.TransferOutcome;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.receipt.CatalogReceipts;
import io.vaultgate.core.receipt.SignedReceipt;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantStatus;
import java.io.IOException;
import java.sql.SQLException;
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
    private final String node;
    private final PublishChecks checks;
    private final TenantRepository tenants = new TenantRepository();
    private final PartialUploadRepository uploads = new PartialUploadRepository();
    private final PartialQuota partialQuota;
    private final EmptyBatches emptied;

    public UploadLedger(Database database, FileRepository files, ObjectStore store, FileShredder shredder, Router router,
                 AuditLog audit, CatalogReceipts receipts, Clock clock) {
        this(database, files, store, shredder, router, audit, receipts, clock, CoreMetrics.inMemory(clock).transfers(),
                NodeSettings.ofProcess().id());
    }

    /**
     * @param metrics told how each upload ended, with its size
     * @param node this node's id: an upload commits or suspends only while its row is still this node's
     */
    public UploadLedger(Database database, FileRepository files, ObjectStore store, FileShredder shredder, Router router,
                 AuditLog audit, CatalogReceipts receipts, Clock clock, TransferMetrics metrics, String node) {
        this.database = database;
        this.files = files;
        this.store = store;
        this.shredder = shredder;
        this.router = router;
        this.audit = audit;
        this.receipts = receipts;
        this.clock = clock;
        this.metrics = metrics;
        this.node = node;
        this.checks = new PublishChecks(files);
        this.partialQuota = new PartialQuota(files, tenants);
        this.emptied = new EmptyBatches(new BatchRepository(), audit);
    }

    /**
     * Makes the object durable, then in one transaction publishes the file, replaces the file it takes the
     * place of ({@link #replaced}), routes it to its batches, audits it and issues its signed receipt; only if the
     * tenant is still active (read under its lock, which a lockdown or shred takes too) and the {@code rules} still
     * hold then (otherwise the upload is discarded and the refusal thrown, see {@link PublishChecks}).
     */
    Receipt commit(FileRecord file, PendingObject object, long size, String sha256, String actor,
                   PublishRules rules) throws IOException {
        boolean ours;
        try {
            ours = stillOurs(file);
        } catch (RuntimeException e) { // the catalog failed before anything was published: as below
            try {
                object.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            discardAfterCatalogFailure(file, actor, size, e);
            throw e;
        }
        if (!ours) {
            object.close();
            metrics.ended(file, TransferOutcome.FAILED, size);
            throw active(file) ? takenOver(file) : PublishChecks.tenantNotActive(); // a shred purged the row
        }
        store.commit(file.tenant(), object);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Receipt receipt = new Receipt(file.id(), file.tenant(), file.path().toString(), size, sha256, now);
        Published published;
        try {
            published = publish(file, size, sha256, actor, now, receipt, rules);
        } catch (Refused e) {
            discard(file, actor, e.refusal.reason());
            throw e.refusal.failure();
        } catch (RuntimeException e) {
            // The catalog failed (a dropped connection, a deadlock victim). The object is final already, so the
            // row cannot go back to a resumable partial (whose object is a pending one): the upload is discarded
            // (the client is told it failed) rather than left UPLOADING on a live node until a restart, counting
            // in the quota. A publish that did commit before its connection dropped is no longer ours: left alone.
            discardAfterCatalogFailure(file, actor, size, e);
            throw e;
        }
        receipts.remember(published.receipt());
        metrics.ended(file, TransferOutcome.COMMITTED, size);
        published.replaced().forEach(shredder::deleteObject);
        LOG.info("upload committed: file={} tenant={} path={} size={}", file.id(), file.tenant(),
                LogText.quoted(file.path().toString()), size);
        return receipt;
    }

    /**
     * Discards an upload whose commit the catalog failed; if the catalog fails that too, the upload still ends
     * here (the row stays UPLOADING for this node's next start-up recovery) and the failure is added to {@code e}.
     */
    private void discardAfterCatalogFailure(FileRecord file, String actor, long size, RuntimeException e) {
        try {
            discard(file, actor, "commit failed: " + e.getClass().getSimpleName());
        } catch (RuntimeException cleanup) {
            e.addSuppressed(cleanup);
            metrics.ended(file, TransferOutcome.FAILED, size);
        }
    }

    /** What the commit transaction did: the files it replaced (their objects to delete) and the signed receipt. */
    private record Published(List<FileRecord> replaced, SignedReceipt receipt) {
    }

    /** Thrown inside the publishing transaction, which it rolls back, when the file may not be published. */
    private static final class Refused extends RuntimeException {
        private final PublishChecks.Refusal refusal;

        Refused(PublishChecks.Refusal refusal) {
            super(null, null, false, false);
            this.refusal = refusal;
        }
    }

    private Published publish(FileRecord file, long size, String sha256, String actor, Instant now,
                              Receipt receipt, PublishRules rules) {
        return database.inTransaction(jdbc -> {
            // the status under the lock a lockdown's or shred's UPDATE of the tenant takes: one or the other first
            if (tenants.lockNamesReadingStatus(jdbc, file.tenant()).filter(TenantStatus.ACTIVE::equals).isEmpty()) {
                throw new Refused(new PublishChecks.Refusal(PublishChecks.tenantNotActive(), "tenant not active"));
            }
            Optional<FileRecord> previous = replaced(jdbc, file, rules);
            Optional<PublishChecks.Refusal> refusal = checks.refusal(jdbc, file, size, previous, rules, now);
            if (refusal.isPresent()) {
                throw new Refused(refusal.get());
            }
            if (!uploads.updateStateIfOwned(jdbc, file.id(), node, FileState.COMMITTED, size, Optional.of(sha256),
                    now)) {
                throw takenOver(file);
            }
            if (previous.isPresent()) {
                files.delete(jdbc, previous.get().id());
            }
            router.route(jdbc, committed(file, size, sha256, now), now);
            if (previous.isPresent()) {
                // the replaced file was perhaps the last of a READY batch: it ends EMPTIED rather than offered empty
                emptied.settle(jdbc, file.tenant(), actor, now);
            }
            audit.append(jdbc, AuditEvents.committed(actor, receipt));
            SignedReceipt signed = receipts.issue(jdbc, receipt);
            return new Published(previous.stream().toList(), signed);
        });
    }

    /**
     * The committed file the upload replaces: the owner's own at its path (each account's inbox is its own); for an
     * operator's result, the result at that path of the tenant's outbox, whichever operator wrote it. A batch whose
     * lease ran out is claimed again by another operator, who redoes the work: its result takes the place of the
     * earlier holder's, rather than both staying committed at one path, the client seeing only the newer and the
     * earlier one, unreachable, counting towards the quota until retention.
     */
    private Optional<FileRecord> replaced(Jdbc jdbc, FileRecord file, PublishRules rules) throws SQLException {
        return rules.resultOf().isPresent()
                ? files.findCommitted(jdbc, file.tenant(), file.path())
                : files.findOwned(jdbc, file.tenant(), file.accountId(), file.path(), FileState.COMMITTED);
    }

    private static FileRecord committed(FileRecord file, long size, String sha256, Instant now) {
        return new FileRecord(file.id(), file.tenant(), file.accountId(), file.path(), FileState.COMMITTED,
                file.objectId(), size, Optional.of(sha256), file.createdAt(), now);
    }

    /**
     * Whether the upload's row is still a live upload of this node. Checked before the object is made final or
     * deleted, so that a node presumed dead, which another node has recovered the upload from, leaves the
     * object to that node (the commit transaction checks again, atomically).
     */
    private boolean stillOurs(FileRecord file) {
        return database.read(jdbc -> uploads.isUploadOf(jdbc, file.id(), node));
    }

    private boolean active(FileRecord file) {
        return database.read(jdbc -> tenants.find(jdbc, file.tenant())).map(Tenant::isActive).orElse(false);
    }

    /**
     * The upload's row is no longer this node's: another node presumed this one dead (no heartbeat within the
     * dead-after time) and recovered the upload into a partial. The client is not told it is stored.
     */
    private GatewayException takenOver(FileRecord file) {
        LOG.warn("upload {} of tenant {} not committed: another node recovered it after presuming node {} dead",
                file.id(), file.tenant(), node);
        return new GatewayException(GatewayException.Reason.UNAVAILABLE, file.path() + ": the upload was "
                + "interrupted on this gateway node; upload the file again");
    }

    /** How {@link #suspend}'s transaction ended. */
    private enum Suspension { KEPT, OVER_QUOTA, NOT_OURS }

    /**
     * Keeps the upload as a resumable partial of {@code kept} plaintext bytes; discards it instead, audited as
     * "quota exceeded", if that would take the tenant past its byte quota ({@link PartialQuota}: uploads cut off
     * at the same time each checked their writes without the others). The uploader's session is gone: a resume
     * then finds no partial and the client starts the file over.
     */
    void suspend(FileRecord file, long kept, String actor) {
        Instant now = clock.instant();
        Suspension suspension = database.inTransaction(jdbc -> {
            if (!partialQuota.allows(jdbc, file, kept)) {
                return Suspension.OVER_QUOTA;
            }
            if (!uploads.updateStateIfOwned(jdbc, file.id(), node, FileState.PARTIAL, kept, Optional.empty(), now)) {
                return Suspension.NOT_OURS;
            }
            audit.append(jdbc, new AuditEvent.UploadSuspended(now, Optional.of(file.tenant()), actor, file.id(),
                    file.path().toString(), kept));
            return Suspension.KEPT;
        });
        if (suspension == Suspension.OVER_QUOTA) {
            discard(file, actor, "quota exceeded");
            return;
        }
        metrics.ended(file, TransferOutcome.SUSPENDED, kept);
        if (suspension == Suspension.NOT_OURS) {
            LOG.warn("upload {} of tenant {} was recovered by another node meanwhile; left to it", file.id(),
                    file.tenant());
            return;
        }
        LOG.info("upload suspended: file={} tenant={} path={} kept={}", file.id(), file.tenant(),
                LogText.quoted(file.path().toString()), kept);
    }

    /**
     * Hands a partial this node took for resuming back, unchanged (its size, and the time it was last written, from
     * which it expires), when the resume could not start: its key could not be unwrapped or its pending object
     * reopened. Nothing is audited, nothing changed; a later resume tries again.
     */
    void release(FileRecord partial, String reason) {
        boolean released;
        try {
            released = database.inTransaction(jdbc -> uploads.updateStateIfOwned(jdbc, partial.id(), node,
                    FileState.PARTIAL, partial.size(), Optional.empty(), partial.updatedAt()));
        } catch (RuntimeException e) { // the resume's own failure is what the client is told
            LOG.warn("resume of upload {} of tenant {} failed ({}) and its partial could not be handed back ({}); "
                    + "this node's next start-up recovery does", partial.id(), partial.tenant(), reason, e.toString());
            return;
        }
        LOG.warn("resume of upload {} of tenant {} failed ({}); {}", partial.id(), partial.tenant(), reason,
                released ? "the partial is kept" : "another node took it over meanwhile");
    }

    /**
     * Within the caller's transaction, after it took the tenant's lock and as its last change: removes the owner's
     * interrupted partial at the path a new upload (not a resume) takes, and audits it; false, and nothing changed,
     * if the partial was resumed meanwhile. Its object goes with {@link #deleteReplacedObject} once that commits.
     */
    boolean replacePartial(Jdbc jdbc, FileRecord partial, String actor) throws SQLException {
        if (!uploads.deletePartial(jdbc, partial.id())) {
            return false;
        }
        audit.append(jdbc, new AuditEvent.UploadAborted(clock.instant(), Optional.of(partial.tenant()), actor,
                partial.id(), partial.path().toString(), "replaced by a new upload"));
        return true;
    }

    /** Deletes the object of a partial {@link #replacePartial} removed (an orphan for the sweep if this fails). */
    void deleteReplacedObject(FileRecord partial) {
        shredder.deleteObject(partial);
    }

    /** Removes every trace of the upload but the audit event saying why. */
    void discard(FileRecord file, String actor, String reason) {
        if (!stillOurs(file)) {
            metrics.ended(file, TransferOutcome.ofDiscard(reason), 0);
            LOG.warn("upload {} of tenant {} failed ({}) after another node recovered it; its partial is left to that "
                    + "node", file.id(), file.tenant(), reason);
            return;
        }
        try {
            shredder.shred(file, new AuditEvent.UploadAborted(clock.instant(), Optional.of(file.tenant()), actor,
                    file.id(), file.path().toString(), reason));
        } finally {
            metrics.ended(file, TransferOutcome.ofDiscard(reason), 0);
        }
        LOG.info("upload discarded: file={} tenant={} path={} reason={}", file.id(), file.tenant(),
                LogText.quoted(file.path().toString()),
                reason);
    }
}
