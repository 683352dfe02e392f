package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.kek.TenantKeyCreation;
import io.vaultgate.core.metrics.CoreHealth;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The creation of a tenant: its catalog row and its first key-encryption key, recorded together before anything can
 * be uploaded for it, and the completion of a creation an older gateway left half-done.
 */
public final class TenantCreation {

    private final AdminWrites writes;
    private final KekCatalog kekCatalog;

    /** @param kekCatalog this node's, where a new tenant's KEK version is recorded */
    TenantCreation(AdminWrites writes, KekCatalog kekCatalog) {
        this.writes = writes;
        this.kekCatalog = kekCatalog;
    }

    /**
     * Creates a tenant named {@code name}, with or without password login: {@link #addTenant(NewTenant)} stating both,
     * for the gateway's own callers (the demo set-up, tests). Run for a tenant an older gateway left half-created, it
     * completes it only where both are the recorded ones, and is refused ({@code CONFLICT}, cause
     * {@link TenantSettingsRecorded}) where either differs: never silently kept (review22c L5, review23b). A
     * completion stating nothing, as {@code vaultgate tenant add ID} asks it, is {@code addTenant(NewTenant.of(id))}.
     */
    public Tenant createTenant(TenantId id, String name, boolean passwordLogin) {
        return addTenant(NewTenant.of(id).named(name, "name").withPasswordLogin(passwordLogin, "passwordLogin"))
                .tenant();
    }

    /**
     * Creates the tenant and its first KEK version in one transaction ({@link TenantKeyCreation#createFirst}): the
     * catalog records both or neither, so no node ever holds an unrecorded version 1 that another node could make
     * again with another key unnoticed. Of two creations of one id at once (two nodes, two commands) one creates it;
     * the other waits for it and is refused as existing. Run again for a tenant whose creation was interrupted between
     * its row and its key (by a gateway before this one, which made the key after its transaction; the catalog then
     * records no KEK version of it), it completes the creation instead of refusing, on a node that holds the tenant's
     * key: it records that key and returns the tenant as first recorded. A node holding no key of it refuses
     * ({@link TenantKeyCreation#complete}). With {@link NewTenant#newKey}, a tenant left without a recorded key is
     * completed with a new version 1 made on this node where this node holds no key of it: for a tenant whose
     * interrupted creation never made a key on any node, as the administrator states ({@code vaultgate tenant add
     * --new-key}). Still refused while the catalog holds data keys wrapped with the tenant's KEK. A node that holds
     * a key of the tenant records its own, with or without {@code newKey}, where it opens the tenant's stored data
     * keys (or none are stored). Audited once, naming the versions recorded and the administrator's statement.
     *
     * <p>As an administrator asks it ({@code vaultgate tenant add}, {@code POST /v1/admin/tenants}), telling whether
     * it created the tenant or completed one left half-created, and what the completion recorded. Its maximum file
     * size, where stated, is set in the same transaction, audited {@code TENANT_UPDATED} as
     * {@link TenantSettings#setMaxFileSize} is, on a new tenant and a completed one alike. A completion keeps the name
     * and password login first recorded: where the request states another ({@link NewTenant#stated}), it is refused
     * before anything changes ({@code CONFLICT}, cause {@link TenantSettingsRecorded} naming each option), never
     * silently ignored (review22c L5).
     *
     * @throws GatewayException {@code INVALID_REQUEST} for the id {@value CoreHealth#PROBE_TENANT}, under which the
     *                          store's readiness probe writes: a tenant of that id would share its storage space;
     *                          {@code CONFLICT} for a tenant that exists with its key, and, caused by {@link
     *                          io.vaultgate.core.kek.TenantKeyElsewhere}, for one without a recorded key whose key
     *                          this node does not hold, and, caused by {@link io.vaultgate.core.kek.TenantKeyMismatch},
     *                          for one whose stored data keys this node's key does not open, and, caused by
     *                          {@link io.vaultgate.core.kek.TenantKeyPartlyOpened}, for one of whose stored data keys
     *                          it opens only some, unless {@link NewTenant#acceptFork}
     */
    public TenantAdded addTenant(NewTenant request) {
        TenantId id = request.id();
        if (id.value().equals(CoreHealth.PROBE_TENANT)) {
            throw new GatewayException(Reason.INVALID_REQUEST, "tenant id " + id + " is reserved for the gateway's "
                    + "store readiness probe; choose another id");
        }
        Tenant tenant = Tenant.create(id, request.name(), writes.clock().instant())
                .withPasswordLogin(request.passwordLogin());
        return writes.database().inTransaction(jdbc -> {
            // under the row's lock (as every change of the row): a completion writes the whole row from this read
            Optional<Tenant> existing = writes.tenants().lockNamesReading(jdbc, id);
            if (existing.isPresent()) {
                return completed(jdbc, existing.get(), request);
            }
            if (!writes.tenants().insertIfAbsent(jdbc, tenant)) { // created meanwhile: PostgreSQL waited for its commit
                throw exists(id);
            }
            if (!kekCatalog.creation().createFirst(jdbc, id.value())) {
                throw new GatewayException(Reason.CONFLICT, "the catalog records KEK versions of tenant " + id
                        + " already, without the tenant; choose another id");
            }
            // audited after the keystore was written: the audit chain's head stays locked (PostgreSQL) only until
            // the commit, not while the keystore file is rewritten
            writes.audited(jdbc, Optional.of(id), AdminAction.TENANT_CREATED, id.value());
            return new TenantAdded(maxFileSize(jdbc, tenant, request), Optional.empty());
        });
    }

    /**
     * The creation of {@code existing} run again: completed where it lacks a recorded key, refused otherwise, and
     * refused, changing nothing, where {@code request} states a name or password login other than the recorded ones.
     */
    private TenantAdded completed(Jdbc jdbc, Tenant existing, NewTenant request) throws SQLException {
        TenantId id = existing.id();
        if (existing.status() == TenantStatus.SHREDDED || !kekCatalog.creation().lacksKey(jdbc, id.value())) {
            throw exists(id);
        }
        Optional<TenantSettingsRecorded> kept = TenantSettingsRecorded.of(existing, request);
        if (kept.isPresent()) { // before the completion, which may write the keystore (--new-key)
            throw kept.get().toAdministrator();
        }
        TenantKeyCreation.Completion completion = kekCatalog.creation().complete(jdbc, id.value(), request.newKey(),
                request.acceptFork());
        if (completion.outcome() == TenantKeyCreation.Outcome.RECORDED_BEFORE) {
            throw exists(id);
        }
        // one record per completion, in its transaction: what was recorded, whose key, the administrator's statement
        writes.audited(jdbc, Optional.of(id), AdminAction.TENANT_UPDATED, completion.audited());
        return new TenantAdded(maxFileSize(jdbc, existing, request), Optional.of(completion));
    }

    /** {@code tenant} with the request's maximum file size, where stated and not its own already: updated, audited. */
    private Tenant maxFileSize(Jdbc jdbc, Tenant tenant, NewTenant request) throws SQLException {
        if (request.maxFileBytes().isEmpty() || request.maxFileBytes().get() == tenant.maxFileSize()) {
            return tenant;
        }
        Tenant changed = tenant.withMaxFileSize(request.maxFileBytes().get());
        writes.tenants().update(jdbc, changed);
        writes.audited(jdbc, Optional.of(tenant.id()), AdminAction.TENANT_UPDATED, tenant.id().value());
        return changed;
    }

    private static GatewayException exists(TenantId id) {
        return new GatewayException(Reason.CONFLICT, "tenant " + id + " already exists");
    }
}
