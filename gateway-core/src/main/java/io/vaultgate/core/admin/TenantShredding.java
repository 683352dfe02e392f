package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditEvent.KeyAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.audit.AuditSigningKey;
import io.vaultgate.core.audit.ShreddingRecords;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.storage.ObjectStore;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.shred.CryptoShredder;
import io.vaultgate.crypto.shred.ShreddingRecord;
import io.vaultgate.crypto.shred.ShreddingSigner;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Offboards a client company by crypto-shredding its tenant, in an order where every step is safe to repeat, so
 * running {@link #shred} again finishes a shred that was cut off:
 *
 * <ol>
 *   <li>the tenant is locked down (its live sessions end, as for {@link Lockdown}) and then marked
 *       {@link TenantStatus#SHREDDED} for good, audited as {@code admin.change TENANT_SHREDDED};
 *   <li>every KEK version of the tenant is destroyed ({@link CryptoShredder#shredTenant}), with a record signed by
 *       the audit key; a re-run after that finds the keys gone and signs a record naming no key;
 *   <li>the catalog forgets its files, key slots, directories, pending forwards and credentials, and its objects
 *       are deleted ({@link TenantDataPurge});
 *   <li>its routes are removed, so its batches emptied by the purge end {@code EMPTIED} ({@link #retireRoutes});
 *   <li>a {@code key.operation SHRED} of the tenant records the signed record's digest.
 * </ol>
 */
public final class TenantShredding {

    /** What a shred did: the signed record (and its audited digest), sessions ended here, what was forgotten. */
    public record Result(SignedShreddingRecord record, String digest, int sessionsEnded, long filesForgotten) {
    }

    private final Database database;
    private final TenantRepository tenants;
    private final KeyProvider keys;
    private final AuditLog audit;
    private final Lockdown lockdown;
    private final CryptoShredder shredder;
    private final ShreddingSigner signer;
    private final TenantDataPurge purge;
    private final SiteAdministration sites;
    private final KekCatalog kekCatalog;
    private final Clock clock;

    public TenantShredding(Database database, TenantRepository tenants, FileRepository files, ObjectStore store,
                           KeyProvider keys, AuditSigningKey auditKey, AuditLog audit, Lockdown lockdown,
                           SiteAdministration sites, Clock clock, KekCatalog kekCatalog) {
        this.database = database;
        this.tenants = tenants;
        this.keys = keys;
        this.audit = audit;
        this.lockdown = lockdown;
        this.signer = ShreddingRecords.signer(auditKey);
        this.shredder = new CryptoShredder(keys, signer, clock);
        this.purge = new TenantDataPurge(database, files, store, clock);
        this.sites = sites;
        this.kekCatalog = kekCatalog;
        this.clock = clock;
    }

    /**
     * Shreds the tenant for good; see the class comment.
     *
     * @throws GatewayException NOT_FOUND for an unknown tenant, INVALID_REQUEST without a reason
     */
    public Result shred(TenantId id, String reason, String actor) {
        String why = Lockdown.requireText(reason, "reason");
        int ended = markShredded(id, why, actor);
        SignedShreddingRecord record = destroyKeys(id, actor);
        TenantDataPurge.Forgotten forgotten = purge.purge(id);
        retireRoutes(id, actor);
        String digest = ShreddingRecords.digest(record);
        audit.append(new AuditEvent.KeyOperation(clock.instant(), Optional.of(id), actor, KeyAction.SHRED, id.value(),
                "tenant shredded: record " + digest + "; KEKs destroyed: "
                        + (record.record().keyIds().isEmpty() ? "none left" : String.join(",", record.record().keyIds()))
                        + "; " + forgotten.files() + " files, " + forgotten.forwardJobs() + " pending forwards and "
                        + forgotten.credentials() + " credentials forgotten"));
        return new Result(record, digest, ended, forgotten.files());
    }

    /**
     * Step 4: the tenant's routes are removed as {@code vaultgate site unroute} removes them (audited
     * {@code ROUTE_CHANGED}), so its open batches, emptied by the purge, end {@code EMPTIED} instead of staying open
     * for ever and holding up a removal of their site (review34 L1); a route removed meanwhile is left alone.
     */
    private void retireRoutes(TenantId id, String actor) {
        SiteAdministration administration = sites.as(actor);
        for (Route route : administration.routes(id)) {
            try {
                administration.removeRoute(id, route.id());
            } catch (GatewayException e) {
                if (e.reason() != Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
    }

    /** Step 1: lockdown (sessions end), then SHREDDED; nothing when it is SHREDDED already. */
    int markShredded(TenantId id, String why, String actor) {
        Tenant tenant = database.read(jdbc -> tenants.find(jdbc, id))
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
        if (tenant.status() == TenantStatus.SHREDDED) {
            return 0;
        }
        int ended = lockdown.lockdown(id, "shredding: " + why, actor);
        database.inTransaction(jdbc -> {
            tenants.update(jdbc, tenants.lockNamesReading(jdbc, id).orElseThrow().withStatus(TenantStatus.SHREDDED));
            audit.append(jdbc, new AuditEvent.AdminChange(clock.instant(), Optional.of(id), actor,
                    AdminAction.TENANT_SHREDDED, id.value() + " shredded: " + why));
            return null;
        });
        return ended;
    }

    /**
     * Step 2: destroys every KEK version, first in the catalog's record (so that other nodes, whose keystore copies
     * still hold them, refuse them too) and then here; a re-run, finding them destroyed, signs a record naming none.
     */
    SignedShreddingRecord destroyKeys(TenantId id, String actor) {
        kekCatalog.recordDestroyed(id.value());
        try {
            return shredder.shredTenant(id.value(), actor);
        } catch (CryptoException.KeyDestroyed alreadyGone) {
            return signer.sign(new ShreddingRecord(ShreddingRecord.Kind.TENANT, id.value(), null, keys.name(),
                    List.of(), clock.instant(), actor));
        }
    }
}
