package io.vaultgate.core.ingest;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.PartialUploadRepository;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileShredder;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.ingest.DeferredUploads.Outcome;
import io.vaultgate.core.node.NodeSettings;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.storage.ReferencedObjects;
import io.vaultgate.core.storage.StoredBytesFixed;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the store and catalog back in step after a stop or crash, before any listener opens: uploads
 * that were live become resumable partials (the run of their sealed segments from segment 0 that authenticates
 * kept, from the first torn one on dropped; {@link AuthenticatedRun}),
 * partials past their expiry are discarded, and objects no row refers to are deleted.
 *
 * <p>Several nodes may share the catalog, so an {@code UPLOADING} row is recovered only when the node
 * streaming it is gone: at start, the rows of this node's previous incarnation, of nodes silent for longer
 * than {@link NodeSettings#deadAfter()} (or never registered) and rows older than node ids; while running
 * ({@link #recoverUploadsOf}), the rows of registered nodes that stopped beating. A row is first handed
 * over to this node with a compare-and-set, so two nodes never recover the same upload, and the node that
 * was presumed dead can no longer commit it (its commit requires the row to still be its own).
 *
 * <p>An upload is discarded only when its object proves unrecoverable: its header is not an envelope header (a torn
 * or zeroed first block: this gateway writes only its own format) or it or segment 0 does not authenticate, or the
 * object is gone. Not found is proof that it is gone: the store was checked at start to be the
 * one the catalog's objects were written to ({@link io.vaultgate.core.storage.StoreIdentity}; a file system not
 * mounted yet stops the start instead), so an upload whose object was never created (a crash between its file row and
 * the store's create, review24b L3) is discarded at once, unless the store no longer shows the marker it was
 * recognized by ({@link ObjectStore#stillRecognized}: unmounted while the node runs, review25a M1): then it is kept.
 * Any other failure (the store or the key provider failing for a moment, a key version this node's keystore does not
 * hold yet) leaves the row {@code UPLOADING} on this node and its object as they are, logged; {@link #retryDeferred}
 * (each maintenance pass) tries it again ({@link DeferredUploads}: from one minute, backing off to ten), and a restart
 * of this node does too. Meanwhile the store's sweep keeps its object, also one under its committed name (a crash
 * between the store's commit and the catalog's: only {@code reopen} moves it back). It is discarded as expired once the partial expiry has passed since it was first deferred
 * (the time a recovery without the fault would have given it as a partial).
 */
public final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    /** What one recovery pass did. */
    public record Report(int resumable, int expired, int sweptObjects) {
    }

    private final Database database;
    private final TenantRepository tenants;
    private final FileRepository files;
    private final ObjectStore store;
    private final KeyProvider keys;
    private final FileShredder shredder;
    private final AuditLog audit;
    private final Duration partialExpiry;
    private final NodeSettings node;
    private final Clock clock;
    private final KeySlots slots = new KeySlots();
    private final PartialUploadRepository uploads = new PartialUploadRepository();
    private final PartialQuota partialQuota;
    private final AuthenticatedRun authenticatedRun;
    private final DeferredUploads deferred = new DeferredUploads();

    /** What the store's sweep keeps: the objects of the catalog's files, looked up a batch at a time. */
    private final ReferencedObjects referenced = new ReferencedObjects() {
        @Override
        public Set<ObjectId> committed(TenantId tenant, List<ObjectId> ids) {
            // an UPLOADING row's object may be under its committed name: a crash between the store's commit and the
            // catalog's (FileSystemObjectStore#reopen moves it back), also when its recovery is deferred or the row
            // is not taken over by this start (crash-consistency audit M2)
            return database.read(jdbc -> files.objectsIn(jdbc, tenant, ids,
                    List.of(FileState.COMMITTED, FileState.UPLOADING)));
        }

        @Override
        public Set<ObjectId> pending(TenantId tenant, List<ObjectId> ids) {
            return database.read(jdbc -> files.objectsIn(jdbc, tenant, ids,
                    List.of(FileState.PARTIAL, FileState.UPLOADING)));
        }

        /** The core's clock: a store's grace is judged on the catalog's time, not on this host's alone. */
        @Override
        public Optional<Instant> now() {
            return Optional.of(clock.instant());
        }
    };

    public Recovery(Database database, TenantRepository tenants, FileRepository files, ObjectStore store,
                    KeyProvider keys, FileShredder shredder, AuditLog audit, Duration partialExpiry, NodeSettings node,
                    Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.files = files;
        this.store = store;
        this.keys = keys;
        this.shredder = shredder;
        this.audit = audit;
        this.partialExpiry = partialExpiry;
        this.node = node;
        this.clock = clock;
        this.partialQuota = new PartialQuota(files, tenants);
        this.authenticatedRun = new AuthenticatedRun(database, audit, clock);
    }

    /** The start-up pass; run once before this node accepts uploads. */
    public synchronized Report run() throws IOException {
        int resumable = 0;
        int expired = 0;
        int swept = 0;
        Instant now = clock.instant();
        Instant oldest = now.minus(partialExpiry);
        for (Tenant tenant : database.read(tenants::list)) {
            expired += expirePartialsOf(tenant, oldest);
            for (PartialUploadRepository.Uploading upload : database.read(jdbc -> uploads.uploadsToRecoverAtStart(
                    jdbc, tenant.id(), node.id(), node.deadAfter()))) {
                if (!takeOver(upload)) {
                    continue;
                }
                if (upload.file().updatedAt().isBefore(oldest)) {
                    discard(upload.file(), "partial upload expired");
                    expired++;
                } else {
                    resumable += recover(upload.file()) ? 1 : 0;
                }
            }
            swept += store.sweep(tenant.id(), referenced);
        }
        Report report = new Report(resumable, expired, swept);
        LOG.info("recovery: {} interrupted uploads kept resumable, {} expired partials removed, {} orphan objects "
                + "swept, {} left to retry", report.resumable(), report.expired(), report.sweptObjects(),
                deferred.size());
        return report;
    }

    /**
     * Tries again the uploads whose recovery failed for a passing cause (the store or key provider unavailable),
     * each once its back-off is over; one past the partial expiry is discarded as expired, one no longer a live
     * upload of this node is forgotten. Safe while the gateway runs, and does not hold this recovery's lock, so a
     * dead node's uploads are taken over meanwhile (review23d L2); returns how many became resumable.
     */
    public int retryDeferred() {
        return deferred.retryDue(clock.instant(), this::retry);
    }

    private Outcome retry(DeferredUploads.Entry entry, Instant now) {
        FileRecord file = entry.file();
        try {
            if (!database.read(jdbc -> uploads.isInterruptedUploadOf(jdbc, file.id(), node.id(), file.updatedAt()))) {
                return Outcome.DISCARDED; // resumed (here or elsewhere), committed or removed: not ours to recover
            }
            if (entry.since().plus(partialExpiry).isBefore(now)) { // as long as a recovery gives
                discard(file, "partial upload expired");
                return Outcome.DISCARDED;
            }
            return makeResumable(file);
        } catch (RuntimeException e) { // the catalog failing too: kept, tried again later
            LOG.warn("interrupted upload {} of tenant {}: its retry failed, kept to be tried again: {}", file.id(),
                    file.tenant(), e.toString());
            return Outcome.DEFERRED;
        }
    }

    /** How many uploads wait for {@link #retryDeferred}. */
    public int deferredCount() {
        return deferred.size();
    }

    /** Recovers {@code file}, taken over by this node; remembers it for {@link #retryDeferred} if that failed. */
    private boolean recover(FileRecord file) {
        Outcome outcome = makeResumable(file);
        if (outcome.deferred()) {
            deferred.add(file, clock.instant());
        }
        return outcome == Outcome.RESUMABLE;
    }

    /**
     * Recovers the live uploads of registered nodes that have not beaten for longer than the dead-after time
     * into resumable partials; safe while the gateway runs. Returns how many were recovered.
     */
    public int recoverDeadNodes() {
        return recoverAll(database.read(jdbc -> uploads.uploadsOfDeadNodes(jdbc, node.id(), node.deadAfter())));
    }

    /** Recovers the live uploads of node {@code dead}, which the caller found silent past the dead-after time. */
    public int recoverUploadsOf(String dead) {
        if (dead.equals(node.id())) {
            throw new IllegalArgumentException("this node (" + dead + ") is not dead");
        }
        return recoverAll(database.read(jdbc -> uploads.uploadsOf(jdbc, dead)));
    }

    private synchronized int recoverAll(List<PartialUploadRepository.Uploading> found) {
        int recovered = 0;
        for (PartialUploadRepository.Uploading upload : found) {
            if (takeOver(upload)) {
                LOG.info("upload {} of tenant {} was streamed by node {}, presumed dead: recovering it", upload.file()
                        .id(), upload.file().tenant(), upload.node().orElse("?"));
                recovered += recover(upload.file()) ? 1 : 0;
            }
        }
        return recovered;
    }

    private boolean takeOver(PartialUploadRepository.Uploading upload) {
        return database.inTransaction(jdbc -> uploads.takeOver(jdbc, upload.file().id(), upload.node(), node.id()));
    }

    /**
     * Removes partial uploads not resumed within the expiry; safe while the gateway runs (live uploads are
     * never touched). Returns how many were removed.
     */
    public int expirePartials() {
        Instant oldest = clock.instant().minus(partialExpiry);
        int expired = 0;
        for (Tenant tenant : database.read(tenants::list)) {
            expired += expirePartialsOf(tenant, oldest);
        }
        return expired;
    }

    /** Shreds the tenant's partials last changed before {@code oldest}, except those resumed meanwhile. */
    private int expirePartialsOf(Tenant tenant, Instant oldest) {
        int expired = 0;
        for (FileRecord file : database.read(jdbc -> files.listByStates(jdbc, tenant.id(),
                List.of(FileState.PARTIAL)))) {
            if (file.updatedAt().isBefore(oldest) && shredder.shredExpiredPartial(file, oldest,
                    new AuditEvent.UploadAborted(clock.instant(), Optional.of(file.tenant()), AuditEvents.SYSTEM,
                            file.id(), file.path().toString(), "partial upload expired"))) {
                expired++;
            }
        }
        return expired;
    }

    /**
     * Verifies what an interrupted upload sealed and records it as a partial of the plaintext it keeps: the run of
     * segments from segment 0 that authenticates (after a power loss, every segment written since the object's last
     * background flush may be torn; what follows the first torn one is dropped, and its uploader's resume sends it
     * again). Discards it, audited, if its header is unreadable (torn: not an envelope header), if it or segment 0 does
     * not authenticate, if its object or data key record is gone, or if keeping it would take the tenant past its byte quota ({@link PartialQuota}), as a live
     * node's suspend does. Any other failure leaves the row and the object as they are ({@link Outcome#DEFERRED}).
     */
    private Outcome makeResumable(FileRecord file) {
        EnvelopeContext context = new EnvelopeContext(file.tenant().value(), file.id());
        try {
            Optional<StoredKeySlot> stored = database.read(jdbc -> files.keySlot(jdbc, file.id()));
            if (stored.isEmpty()) {
                return unrecoverable(file, "its data key is not recorded");
            }
            DataKey dek;
            try {
                dek = keys.unwrap(context, slots.fromStored(stored.get()));
            } catch (CryptoException.KeyDestroyed e) {
                return unrecoverable(file, "its tenant's key is destroyed");
            }
            AuthenticatedRun.Cut cut;
            try (PendingObject object = store.reopen(file.tenant(), file.objectId())) {
                cut = authenticatedRun.keep(file, dek, context, object);
            } catch (NoSuchFileException e) {
                if (!store.stillRecognized()) { // unmounted while the node runs: not found proves nothing
                    LOG.warn("interrupted upload {} of tenant {} is kept, to be tried again: its object is not found "
                            + "and the store no longer shows the marker it was recognized by at start (its file "
                            + "system unmounted?)", file.id(), file.tenant());
                    return Outcome.DEFERRED;
                }
                return unrecoverable(file, "its stored object is gone");
            } catch (CryptoException.AuthenticationFailed e) {
                return unrecoverable(file, "its header or first segment does not authenticate");
            } catch (CryptoException.UnsupportedFormat e) { // our own header unreadable (bad magic): torn or tampered
                return unrecoverable(file, "its header is not a readable envelope header (" + e.getMessage() + ")");
            } catch (StoredBytesFixed e) {
                return unrecoverable(file, "what authenticates ends before the bytes its store holds for good (on S3, "
                        + "before its last part)");
            } finally {
                dek.destroy();
            }
            long kept = cut.kept();
            Optional<Boolean> recorded = database.inTransaction(jdbc -> {
                if (!partialQuota.allows(jdbc, file, kept)) {
                    return Optional.empty();
                }
                return Optional.of(uploads.updateStateIfOwned(jdbc, file.id(), node.id(), FileState.PARTIAL, kept,
                        Optional.empty(), clock.instant()));
            });
            if (recorded.isPresent()) {
                return recorded.get() ? Outcome.RESUMABLE : Outcome.DISCARDED;
            }
            discard(file, "quota exceeded");
            return Outcome.DISCARDED;
        } catch (IOException | RuntimeException e) {
            LOG.warn("interrupted upload {} of tenant {} could not be recovered now and is kept as it is, to be tried "
                    + "again: {}", file.id(), file.tenant(), e.toString());
            return Outcome.DEFERRED;
        }
    }

    private Outcome unrecoverable(FileRecord file, String why) {
        LOG.warn("interrupted upload {} of tenant {} cannot be recovered ({}) and is discarded", file.id(),
                file.tenant(), why);
        discard(file, "interrupted upload could not be recovered: " + why);
        return Outcome.DISCARDED;
    }

    private void discard(FileRecord file, String reason) {
        shredder.shred(file, new AuditEvent.UploadAborted(clock.instant(), Optional.of(file.tenant()),
                AuditEvents.SYSTEM, file.id(), file.path().toString(), reason));
    }
}
