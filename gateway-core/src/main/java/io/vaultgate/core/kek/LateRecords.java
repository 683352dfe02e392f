package io.vaultgate.core.kek;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.KeyAction;
import io.vaultgate.core.audit.AuditEvents;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.KekId;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * The audit records of what the catalog records late ({@link KekRecorder#completed}): a version this node's keystore
 * holds and the catalog lacks was made by a rotation here whose transaction did not commit (the keystore is written
 * before it), so its {@code key.operation ROTATE} record, appended in that transaction, was lost with it; a version
 * the keystore holds disabled and the catalog enabled was disabled by a gateway that wrote its keystore before its
 * record. Recording such a version is the moment it becomes every node's fact, so its record is appended then, in the
 * same transaction, as {@code system}: every version the catalog records has its audit record. Not for a tenant the
 * catalog recorded nothing of (a catalog from before V24, an interrupted creation): its first record is the
 * creation's, audited by it.
 */
final class LateRecords {

    private final Optional<AuditLog> audit;
    private final Clock clock;

    /** @param audit empty: nothing appended (a node's read-only use of the catalog, and tests that build their own) */
    LateRecords(Optional<AuditLog> audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Appends, in the caller's transaction, a record of each version in {@code news} that {@code recorded} lacked
     * ({@code ROTATE}) or held in a weaker state ({@code DISABLE}).
     */
    void audit(Jdbc jdbc, KekVersions recorded, Map<Integer, KekVersionState> news) throws SQLException {
        if (audit.isEmpty() || recorded.states().isEmpty()) {
            return;
        }
        Optional<TenantId> tenant = Optional.of(TenantId.of(recorded.kekTenant()));
        for (Map.Entry<Integer, KekVersionState> version : news.entrySet()) {
            KekId kek = new KekId(recorded.kekTenant(), version.getKey());
            if (!recorded.states().containsKey(version.getKey())) {
                audit.get().append(jdbc, new AuditEvent.KeyOperation(clock.instant(), tenant, AuditEvents.SYSTEM,
                        KeyAction.ROTATE, kek.toString(), "new KEK version " + kek.version() + ", recorded late: this "
                        + "node's keystore held it unrecorded (a rotation here whose catalog transaction did not "
                        + "commit)"));
            }
            if (version.getValue() == KekVersionState.DISABLED) {
                audit.get().append(jdbc, new AuditEvent.KeyOperation(clock.instant(), tenant, AuditEvents.SYSTEM,
                        KeyAction.DISABLE, kek.toString(), "KEK version " + kek.version() + " disabled, recorded "
                        + "late: this node's keystore held it disabled and the catalog enabled"));
            }
        }
    }
}
