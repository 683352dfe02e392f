package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.KeyAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.FileRepository;
import io.vaultgate.core.catalog.StoredKeySlot;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.ingest.KeySlots;
import io.vaultgate.core.kek.KekCatalog;
import io.vaultgate.core.report.WorkProgress;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rotates a tenant's key-encryption key and moves its files' key slots to the new version. Payloads are
 * never touched: only the wrapped data keys in the catalog change, each in its own transaction with its
 * audit event, so an interrupted rewrap can simply be run again. An emergency rotation (a KEK version is
 * suspected compromised) does both at once, makes a second pass for slots written while the first ran,
 * and audits a closing summary with how many slots, if any, are still wrapped by an older version.
 *
 * <p>Every change is recorded in the catalog as it is made ({@link KekCatalog}), so that the other nodes of a
 * scale-out, whose keystore copies do not have it yet, refuse to wrap with the older version and to unwrap with a
 * disabled one; and a node whose own copy is behind the catalog refuses to rotate or rewrap, which would fork the
 * tenant's versions.
 */
public final class KeyRotation {

    /** What a rotation did. */
    public record Result(KekId active, int rewrapped) {
    }

    /** What an emergency rotation did; {@code remaining} slots are still under an older version (0 normally). */
    public record EmergencyResult(KekId active, int rewrapped, long remaining) {
    }

    private final Database database;
    private final TenantRepository tenants;
    private final FileRepository files;
    private final KeyProvider keys;
    private final AuditLog audit;
    private final String actor;
    private final Clock clock;
    private final KeySlots slots = new KeySlots();
    private final KekCatalog kekCatalog;

    /** Key slots read from the catalog at a time. */
    static final int PAGE = 200;

    /** @param kekCatalog this node's, shared with its other services (one WARN, every refusal counted) */
    public KeyRotation(Database database, TenantRepository tenants, FileRepository files, KeyProvider keys,
                       AuditLog audit, String actor, Clock clock, KekCatalog kekCatalog) {
        this.database = database;
        this.tenants = tenants;
        this.files = files;
        this.keys = keys;
        this.audit = audit;
        this.actor = actor;
        this.clock = clock;
        this.kekCatalog = kekCatalog;
    }

    /** The same rotation, recording {@code actor} (e.g. {@code admin:alice}) on the key operations it audits. */
    public KeyRotation as(String actor) {
        return new KeyRotation(database, tenants, files, keys, audit, actor, clock, kekCatalog);
    }

    /** Creates the tenant's next KEK version (new files use it at once) and, if asked, rewraps every slot. */
    public Result rotate(TenantId tenant, boolean rewrap) {
        KekId active = rotateRecorded(tenant, kek -> "new KEK version " + kek.version());
        return new Result(active, rewrap ? rewrap(tenant) : 0);
    }

    /**
     * Rotates the tenant's KEK and re-wraps every key slot now, reporting each slot to {@code progress}.
     * Audited as a {@code ROTATE} marked {@code emergency}, one {@code REWRAP} per slot, and a closing
     * {@code REWRAP} summary of the KEK.
     */
    public EmergencyResult emergencyRotate(TenantId tenant, WorkProgress progress) {
        KekId active = rotateRecorded(tenant, kek -> "emergency: new KEK version " + kek.version()
                + "; re-wrapping every key slot");
        int rewrapped = rewrap(tenant, progress);
        rewrapped += rewrap(tenant, WorkProgress.NONE); // slots of uploads that started during the first pass
        long remaining = database.read(jdbc -> jdbc.count("SELECT COUNT(*) FROM key_slots WHERE kek_tenant = ? "
                + "AND kek_version < ?", tenant.value(), active.version()));
        audit.append(new AuditEvent.KeyOperation(clock.instant(), Optional.of(tenant), actor, KeyAction.REWRAP,
                active.toString(), "emergency rotation done: " + rewrapped + " key slots re-wrapped, " + remaining
                + " still under older versions"));
        return new EmergencyResult(active, rewrapped, remaining);
    }

    /**
     * Disables a retired KEK version of the tenant (the last step of a rotation): it can no longer unwrap.
     * Refused while a key slot of the tenant is still wrapped by it (run {@link #rewrap} first), and for the
     * active version. A slot that an upload wrapped before the rotation but has not stored yet is not seen:
     * let the uploads that began before the rotation end first.
     *
     * <p>Crash-consistent in two steps (crash-consistency audit L2: it was three, keystore, catalog, audit, each
     * committed on its own, so a crash could leave a version disabled with no record of it, or recorded and never
     * audited). First the catalog records the version disabled and its {@code key.operation DISABLE} record, in one
     * transaction ({@link KekCatalog#disable}): from that commit every node refuses to unwrap with it, whatever its
     * keystore holds. Then this node's keystore disables it. A crash between the two (or a keystore write that fails)
     * leaves the version refused everywhere and still enabled in this node's keystore, as on a node whose copy is
     * behind; the node's next start completes the keystore ({@link io.vaultgate.core.kek.KekStartupCheck}), and so
     * does the command run again, neither with a second record. A keystore found disabled with the catalog not (a
     * crash of an older gateway between its keystore write and its record) is recorded and audited now.
     *
     * @throws GatewayException NOT_FOUND for an unknown tenant or version, and for a version disabled already;
     *     CONFLICT while slots use it, for the active version, and where this node's keystore is behind the catalog;
     *     UNAVAILABLE where the keystore write failed after the catalog recorded the version disabled (the message
     *     says so: it is disabled, and audited, for every node already)
     */
    public KekId disable(TenantId tenant, int version) {
        existingUnshredded(tenant, "changed");
        KekId kek = new KekId(tenant.value(), version);
        KekCatalog.Disabling recorded = database.inTransaction(jdbc -> {
            KekCatalog.Disabling disabling = kekCatalog.disable(jdbc, kek);
            if (disabling == KekCatalog.Disabling.RECORDED) {
                audit.append(jdbc, new AuditEvent.KeyOperation(clock.instant(), Optional.of(tenant), actor,
                        KeyAction.DISABLE, kek.toString(), "KEK version " + version + " disabled"));
            }
            return disabling;
        });
        try {
            keys.disable(kek);
        } catch (CryptoException.KeyNotFound e) {
            // not enabled in this node's keystore: disabled there before its record (an older gateway), or not held
            if (recorded == KekCatalog.Disabling.RECORDED_BEFORE) {
                throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " has no enabled KEK version "
                        + version + " (it is disabled)");
            }
        } catch (RuntimeException e) { // to the administrator (no client route disables a version): the cause too
            String message = "KEK " + kek + " is disabled in the catalog (every node refuses it; audited), but this "
                    + "node's key store could not disable it: " + e.getMessage() + "; the node's next start completes "
                    + "it, or run this command again";
            throw new GatewayException(Reason.UNAVAILABLE, message, message, e);
        }
        return kek;
    }

    /**
     * Rotates on this node, unless its keystore is behind the catalog, and records the new version there, under
     * the tenant's row lock: of two nodes rotating at once, the second is refused ({@link KekCatalog#rotate}). Its
     * {@code key.operation ROTATE} record ({@code detail} of the new version) is appended in the same transaction, so
     * no crash leaves a recorded rotation without it (crash-consistency audit L2: it was appended after the commit).
     */
    private KekId rotateRecorded(TenantId tenant, Function<KekId, String> detail) {
        existingUnshredded(tenant, "rotated");
        return database.inTransaction(jdbc -> {
            KekId active = kekCatalog.rotate(jdbc, tenant.value());
            audit.append(jdbc, new AuditEvent.KeyOperation(clock.instant(), Optional.of(tenant), actor,
                    KeyAction.ROTATE, active.toString(), detail.apply(active)));
            return active;
        });
    }

    /** NOT_FOUND for an unknown tenant; CONFLICT for a shredded one, whose keys are destroyed for good. */
    private void existingUnshredded(TenantId id, String change) {
        Tenant tenant = database.read(jdbc -> tenants.find(jdbc, id))
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
        tenant.refuseIfShredded(change);
    }

    /** Moves every key slot of the tenant to its active KEK version; returns how many changed. */
    public int rewrap(TenantId tenant) {
        return rewrap(tenant, WorkProgress.NONE);
    }

    /** As {@link #rewrap(TenantId)}, reporting every slot visited to {@code progress}. */
    public int rewrap(TenantId tenant, WorkProgress progress) {
        kekCatalog.requireNotBehind(tenant.value()); // it would move slots back to this node's older active version
        progress.total(database.read(jdbc -> files.countKeySlots(jdbc, tenant)));
        int changed = 0;
        String last = "";
        List<FileRepository.FileKeySlot> page;
        do { // a page at a time, in file id order: memory stays bounded however many files the tenant holds
            String after = last;
            page = database.read(jdbc -> files.keySlots(jdbc, tenant, after, PAGE));
            for (FileRepository.FileKeySlot slot : page) {
                progress.advance(1);
                changed += rewrap(tenant, slot) ? 1 : 0;
                last = slot.fileId();
            }
        } while (page.size() == PAGE);
        return changed;
    }

    /** Moves one slot to the tenant's active KEK version, with its audit event; false if it is there already. */
    private boolean rewrap(TenantId tenant, FileRepository.FileKeySlot slot) {
        EnvelopeContext context = new EnvelopeContext(tenant.value(), slot.fileId());
        KeySlot current = slots.fromStored(slot.slot());
        KeySlot moved = keys.rewrap(context, current);
        if (moved.equals(current)) {
            return false;
        }
        return database.inTransaction(jdbc -> {
            StoredKeySlot row = slots.toStored(moved);
            StoredKeySlot was = slot.slot();
            // only the slot as read: a slot rewrapped meanwhile (another pass) or whose file is gone is left alone
            boolean updated = jdbc.update("UPDATE key_slots SET provider = ?, kek_tenant = ?, kek_version = ?, "
                            + "wrapped = ? WHERE file_id = ? AND provider = ? AND kek_version = ? AND wrapped = ?",
                    row.provider(), row.kekTenant(), row.kekVersion(), row.wrappedBase64(), slot.fileId(),
                    was.provider(), was.kekVersion(), was.wrappedBase64()) == 1;
            if (updated) {
                audit.append(jdbc, new AuditEvent.KeyOperation(clock.instant(), Optional.of(tenant), actor,
                        KeyAction.REWRAP, slot.fileId(), "to " + moved.kek()));
            }
            return updated;
        });
    }
}
