package io.vaultgate.core.ingest;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.PartialUploadRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.catalog.BatchRepository;
import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.files.FileState;
import io.vaultgate.core.files.PathClashes;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.metrics.TransferMetrics;
import io.vaultgate.core.metrics.TransferOutcome;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.core.storage.ObjectId;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.storage.PendingObject;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.stream.OutOfOrderEnvelopeWriter;
import io.vaultgate.crypto.stream.ReorderMemory;
import io.vaultgate.crypto.stream.ReorderShare;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Opens uploads: resolves where the principal may write ({@link UploadTargets}), checks the tenant's status, quota
 * and maximum file size (an announced size at once, the bytes as they are written), creates the catalog row with the
 * file's freshly wrapped data key, and starts the encrypting writer on a pending object. A resume takes
 * the uploader's partial (atomically, so two connections cannot resume the same one) and continues it.
 */
public final class EncryptingIngestService implements IngestService {

    private final Database database;
    private final TenantRepository tenants;
    private final FileRepository files;
    private final ObjectStore store;
    private final KeyProvider keys;
    private final UploadGate gate;
    private final KeySlots slots;
    private final KekCatalog kek;
    private final UploadLedger ledger;
    private final UploadTargets targets;
    private final PathClashes clashes;
    private final int windowSegments;
    private final ReorderMemory reorderMemory;
    private final SecureRandom random;
    private final Clock clock;
    private final TransferMetrics metrics;
    private final String node;
    private final PartialUploadRepository uploads = new PartialUploadRepository();

    /**
     * @param reorderMemory what all uploads together, and the uploads of one tenant, may hold of writes that arrived
     *                      ahead of a gap; each upload takes from its file's tenant's share
     * @param metrics told when an upload starts, and counts its bytes (the ledger reports its end to it)
     * @param node this node's id, written on every upload it opens or resumes
     * @param kek the node's check of its keystore against the catalog's KEK versions (the core's, shared)
     */
    public EncryptingIngestService(Database database, TenantRepository tenants, FileRepository files,
                                   BatchRepository batches, ObjectStore store, KeyProvider keys, UploadLedger ledger,
                                   UploadGate gate, int windowSegments, ReorderMemory reorderMemory,
                                   SecureRandom random, Clock clock, TransferMetrics metrics, String node,
                                   KekCatalog kek) {
        this.database = database;
        this.tenants = tenants;
        this.files = files;
        this.store = store;
        this.keys = keys;
        this.gate = gate;
        this.slots = new KeySlots();
        this.kek = kek;
        this.ledger = ledger;
        this.targets = new UploadTargets(database, batches, clock);
        this.clashes = new PathClashes(files);
        this.windowSegments = windowSegments;
        this.reorderMemory = reorderMemory;
        this.random = random;
        this.clock = clock;
        this.metrics = metrics;
        this.node = node;
    }

    @Override
    public Upload open(Principal principal, VirtualPath path, UploadMode mode) {
        return open(principal, path, mode, -1);
    }

    @Override
    public Upload open(Principal principal, VirtualPath path, UploadMode mode, long announcedSize) {
        UploadTarget target = targets.resolve(principal, path);
        if (mode == UploadMode.RESUME) {
            Tenant tenant = database.read(jdbc -> tenants.find(jdbc, target.tenant())).orElseThrow();
            admissible(tenant, path, announcedSize);
            gate.enter();
            try {
                return resume(target, tenant, principal);
            } catch (RuntimeException e) {
                gate.leave();
                throw e;
            }
        }
        gate.enter();
        try { // a new upload reads the tenant once, in its opening transaction, and is admitted there
            return create(target, principal, new Announced(path, announcedSize));
        } catch (RuntimeException e) {
            gate.leave();
            throw e;
        }
    }

    /**
     * Refuses an upload to a tenant that is not active (read again under the tenant's lock when a resumed upload is
     * published), or announced larger than the tenant's maximum file size.
     */
    private static void admissible(Tenant tenant, VirtualPath path, long announcedSize) {
        if (!tenant.isActive()) {
            throw PublishChecks.tenantNotActive();
        }
        if (announcedSize >= 0 && !tenant.allowsFileSize(announcedSize)) {
            throw FileTooLarge.refuse(path + " (" + announcedSize + " bytes announced)", tenant.maxFileSize());
        }
    }

    @Override
    public Optional<UploadProgress> progress(Principal principal, VirtualPath path, String fileId) {
        UploadTarget target = targets.resolve(principal, path);
        return database.read(jdbc -> files.find(jdbc, fileId))
                .filter(file -> file.tenant().equals(target.tenant()) && file.accountId().equals(target.ownerId())
                        && file.path().equals(target.storedPath()))
                .filter(file -> file.state() == FileState.PARTIAL || file.state() == FileState.COMMITTED)
                .map(file -> new UploadProgress(file.id(), file.state() == FileState.COMMITTED, file.size()));
    }

    private Upload create(UploadTarget target, Principal actor, Announced announced) {
        Instant now = clock.instant();
        VirtualPath path = target.storedPath();
        FileRecord file = new FileRecord(newFileId(), target.tenant(), target.ownerId(), path, FileState.UPLOADING,
                ObjectId.random(random), 0, Optional.empty(), now, now);
        EnvelopeContext context = new EnvelopeContext(file.tenant().value(), file.id());
        DataKey dek = DataKey.generate();
        try {
            Opening opening;
            try {
                opening = opening(target, announced, file, wrap(target, context, dek), actor);
            } catch (KekCatalog.WrappedWithOlderVersion stale) {
                // this node's key provider wrapped with a version it has since found superseded (its index was
                // seconds behind a rotation made elsewhere: a PKCS#11 token, `vaultgate keys rotate`): once more,
                // with the version now active; refused as before if that happens again
                try {
                    opening = opening(target, announced, file, wrap(target, context, dek), actor);
                } catch (KekCatalog.WrappedWithOlderVersion again) {
                    throw again.refusal();
                }
            }
            opening.replaced().ifPresent(ledger::deleteReplacedObject);
            return start(file, opening.tenant(), opening.usedBytes(), dek, false, actor, target.resultOf());
        } finally {
            dek.destroy();
        }
    }

    /**
     * Runs a new upload's opening transaction. Not flushed to disk here: until the client is told the file is stored,
     * losing this row to a power failure only turns the upload's pending object into an orphan for the start-up sweep.
     * The commit's own transaction is durable and takes this one with it. But one that removes the owner's partial is
     * made durable before the partial's object is deleted (a power loss must not bring back a PARTIAL row whose object
     * is gone): found inside, it is rolled back and run again with the flush.
     */
    private Opening opening(UploadTarget target, Announced announced, FileRecord file, KeySlot slot, Principal actor) {
        try {
            return database.inTransactionDeferringSync(jdbc -> open(jdbc, target, announced, file, slot, actor, false));
        } catch (ReplacesPartial durableNeeded) {
            return database.inTransaction(jdbc -> open(jdbc, target, announced, file, slot, actor, true));
        }
    }

    /**
     * Wraps a new upload's data key before its opening transaction reads the tenant: a shredded tenant's keys are
     * destroyed, and its upload is refused as the transaction would refuse it, not failed as a crypto error. Only
     * then: {@link CryptoException.KeyDestroyed} also means a destroyed data key or master secret, or keys destroyed
     * in this node's key store without the catalog's shred, so the refusal is given only if the catalog's tenant is
     * in fact not active (a shred marks it shredded before it destroys the keys); any other is a fault on this side.
     * No key of the tenant here, where the catalog records one, is this node's keystore behind the catalog (the
     * tenant was created on another node), refused as such ({@link KekCatalog#lacking}).
     */
    private KeySlot wrap(UploadTarget target, EnvelopeContext context, DataKey dek) {
        try {
            return keys.wrap(context, dek);
        } catch (CryptoException.KeyDestroyed destroyed) {
            boolean active = database.read(jdbc -> tenants.find(jdbc, target.tenant())).map(Tenant::isActive)
                    .orElse(false);
            if (!active) {
                throw PublishChecks.tenantNotActive();
            }
            throw new GatewayException(Reason.INTERNAL, "the upload's data key could not be encrypted (a fault on "
                    + "the gateway's side)", "wrapping the data key of a new upload of active tenant "
                    + target.tenant() + " failed: " + destroyed.getMessage(), destroyed);
        } catch (CryptoException.KeyNotFound none) {
            // no key of the tenant here: made on another node whose keystore was not copied here yet
            throw kek.lacking(target.tenant().value(), none);
        }
    }

    /**
     * The opening transaction of a new upload; {@code durable} if its commit is flushed. One that is not and finds
     * the owner's partial at the path throws {@link ReplacesPartial} before changing anything.
     */
    private Opening open(Jdbc jdbc, UploadTarget target, Announced announced, FileRecord file, KeySlot slot,
                         Principal actor, boolean durable) throws SQLException {
        VirtualPath path = target.storedPath();
        // The tenant is read under its lock, status, quota and maximum file size with it: a lockdown or shred
        // before this is refused here, and one after this commits finds the row (a shred purges it). Uploads
        // opening at once also count one after another against a file quota.
        Tenant tenant = tenants.lockNamesReading(jdbc, target.tenant()).orElseThrow(PublishChecks::tenantNotActive);
        admissible(tenant, announced.path(), announced.size());
        // under the same lock: a rotation on any node records its new version under it, so this upload either
        // reads it (and a key wrapped by an older version is refused) or committed first, for the rewrap to find
        kek.requireCurrent(jdbc, slot.kek());
        long[] used = files.usage(jdbc, target.tenant());
        if (!tenant.quota().allowsFiles(used[1] + 1)) {
            throw new GatewayException(Reason.QUOTA_EXCEEDED,
                    QuotaRefusals.files(path, tenant.quota(), target.resultOf().isPresent()));
        }
        clashes.check(jdbc, target.tenant(), target.ownerId(), target.storedPath());
        Optional<FileRecord> stale = files.findOwned(jdbc, target.tenant(), target.ownerId(), path,
                FileState.PARTIAL);
        if (stale.isPresent() && !durable) {
            throw new ReplacesPartial();
        }
        files.insert(jdbc, file, slots.toStored(slot), node);
        // last: the audit append holds the chain's head until the commit
        Optional<FileRecord> replaced = stale.isPresent()
                && ledger.replacePartial(jdbc, stale.get(), actor.name()) ? stale : Optional.empty();
        return new Opening(tenant, used[0], replaced);
    }

    /** Rolls back an opening transaction that must be run again durably: it replaces a partial. */
    private static final class ReplacesPartial extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReplacesPartial() {
            super(null, null, false, false);
        }
    }

    /**
     * What opening a new upload found: the tenant (read under its lock), its bytes in use, and the owner's partial
     * it replaced, if any.
     */
    private record Opening(Tenant tenant, long usedBytes, Optional<FileRecord> replaced) {
    }

    /** The path the client asked to upload to, and the size it announced (-1: none). */
    private record Announced(VirtualPath path, long size) {
    }

    private Upload resume(UploadTarget target, Tenant tenant, Principal actor) {
        VirtualPath path = target.storedPath();
        FileRecord file = database.inTransaction(jdbc -> {
            FileRecord partial = files.findOwned(jdbc, target.tenant(), target.ownerId(), path, FileState.PARTIAL)
                    .orElseThrow(() -> GatewayException.notFound(path + " (no interrupted upload to resume)"));
            if (!uploads.resumeOn(jdbc, partial.id(), node, clock.instant())) {
                throw new GatewayException(Reason.CONFLICT, path + ": the upload is being resumed elsewhere");
            }
            return partial;
        });
        long usedByOthers;
        DataKey dek;
        try { // the partial is this node's now: whatever fails before the upload starts hands it back
            usedByOthers = database.read(jdbc -> files.usage(jdbc, target.tenant()))[0] - file.size();
            KeySlot slot = database.read(jdbc -> usableSlot(jdbc, file.id()));
            dek = keys.unwrap(new EnvelopeContext(file.tenant().value(), file.id()), slot);
        } catch (RuntimeException e) {
            ledger.release(file, "could not resume: " + e.getClass().getSimpleName());
            throw e;
        }
        try {
            return start(file, tenant, usedByOthers, dek, true, actor, target.resultOf());
        } finally {
            dek.destroy();
        }
    }

    /** The file's key slot, refused if its KEK version may not be used on this node ({@link KekCatalog}). */
    private KeySlot usableSlot(Jdbc jdbc, String fileId) throws SQLException {
        KeySlot slot = slots.fromStored(files.keySlot(jdbc, fileId).orElseThrow());
        kek.requireUsable(jdbc, slot.kek());
        return slot;
    }

    private Upload start(FileRecord file, Tenant tenant, long usedByOthers, DataKey dek, boolean resume,
                         Principal principal, Optional<String> resultOf) {
        metrics.beginUpload(file, principal);
        String actor = principal.name();
        EnvelopeContext context = new EnvelopeContext(file.tenant().value(), file.id());
        PendingObject object = null;
        try {
            object = resume ? store.reopen(file.tenant(), file.objectId()) : store.create(file.tenant(), file.objectId());
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ReorderShare share = reorderMemory.share(file.tenant().value());
            OutOfOrderEnvelopeWriter writer = resume
                    ? OutOfOrderEnvelopeWriter.resume(dek, context, object.channel(), windowSegments, digest::update,
                            share)
                    : OutOfOrderEnvelopeWriter.create(dek, context, object.channel(), windowSegments, digest::update,
                            share);
            return metrics.metered(new EncryptingUpload(file, object, writer, digest, ledger, gate, tenant.quota(),
                    tenant.maxFileSize(), usedByOthers, actor, resultOf));
        } catch (IOException e) {
            closeQuietly(object);
            abandon(file, actor, resume, "storage failure");
            throw StorageFailures.of(file.path().toString(), e);
        } catch (RuntimeException e) {
            closeQuietly(object);
            abandon(file, actor, resume, "could not start: " + e.getClass().getSimpleName());
            throw e;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * An upload that could not start: a new one is discarded; a resumed partial is handed back as it was (its
     * client's bytes are kept for a later resume, or for the expiry), not deleted for what may be a passing failure.
     */
    private void abandon(FileRecord file, String actor, boolean resume, String reason) {
        if (resume) {
            metrics.ended(file, TransferOutcome.FAILED, file.size());
            ledger.release(file, reason);
        } else {
            ledger.discard(file, actor, reason);
        }
    }

    private String newFileId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return "f_" + HexFormat.of().formatHex(bytes);
    }

    private static void closeQuietly(PendingObject object) {
        if (object != null) {
            try {
                object.close();
            } catch (IOException ignored) {
                // being discarded
            }
        }
    }
}
