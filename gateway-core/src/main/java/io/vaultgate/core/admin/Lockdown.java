package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.tenant.TenantStatus;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Incident response on a tenant: {@link #lockdown} sets it {@code LOCKED} (every login of its accounts is
 * refused from then on), records who did it and why, and ends its live sessions, and those of operators
 * holding a claim on one of its batches, on this node at once and on every other node within one
 * session-check round; {@link #unlock} reverses it. Every call names its actor
 * (the CLI passes {@code cli:<user>}, the admin API the administrator), which the audit event records.
 * Forwarding and batch claims read the same tenant status to pause.
 */
public final class Lockdown {

    /** Why and by whom a tenant is locked. */
    public record Record(TenantId tenant, Instant at, String actor, String reason) {
    }

    private final Database database;
    private final TenantRepository tenants;
    private final AuditLog audit;
    private final LiveSessions sessions;
    private final Clock clock;

    public Lockdown(Database database, TenantRepository tenants, AuditLog audit, LiveSessions sessions, Clock clock) {
        this.database = database;
        this.tenants = tenants;
        this.audit = audit;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Locks the tenant down; returns how many of its sessions this node ended at once. */
    public int lockdown(TenantId id, String reason, String actor) {
        String why = requireText(reason, "reason");
        Objects.requireNonNull(actor, "actor");
        Instant now = clock.instant();
        Set<String> claimants = database.inTransaction(jdbc -> {
            Tenant tenant = tenant(jdbc, id);
            tenant.refuseIfShredded("locked down");
            tenants.update(jdbc, tenant.withStatus(TenantStatus.LOCKED));
            jdbc.update("DELETE FROM tenant_lockdowns WHERE tenant_id = ?", id.value());
            jdbc.update("INSERT INTO tenant_lockdowns (tenant_id, locked_at, actor, reason) VALUES (?, ?, ?, ?)",
                    id.value(), now.toEpochMilli(), actor, why);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.of(id), actor, AdminAction.TENANT_LOCKED,
                    id.value() + " lockdown: " + why));
            return Set.copyOf(jdbc.query("SELECT claimed_by FROM batches WHERE tenant_id = ? AND state = 'CLAIMED' "
                    + "AND claimed_by IS NOT NULL", row -> row.getString(1), id.value()));
        });
        return sessions.endWhere(session -> session.tenant().filter(id::equals).isPresent()
                || session.principal() instanceof OperatorPrincipal operator
                && claimants.contains(operator.operatorId()), "tenant lockdown");
    }

    /** Lifts a lockdown; false if the tenant was not locked. */
    public boolean unlock(TenantId id, String reason, String actor) {
        String why = requireText(reason, "reason");
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            Tenant tenant = tenant(jdbc, id);
            tenant.refuseIfShredded("unlocked");
            if (tenant.isActive()) {
                return false;
            }
            tenants.update(jdbc, tenant.withStatus(TenantStatus.ACTIVE));
            jdbc.update("DELETE FROM tenant_lockdowns WHERE tenant_id = ?", id.value());
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.of(id), actor, AdminAction.TENANT_UNLOCKED,
                    id.value() + " unlocked: " + why));
            return true;
        });
    }

    /** The lockdown in force on the tenant, if any. */
    public Optional<Record> lockdownOf(TenantId id) {
        return database.read(jdbc -> jdbc.queryOne("SELECT locked_at, actor, reason FROM tenant_lockdowns "
                + "WHERE tenant_id = ?", row -> new Record(id, Instant.ofEpochMilli(row.getLong(1)), row.getString(2),
                row.getString(3)), id.value()));
    }

    /**
     * The tenant read under its row's lock: the change writes the whole row from this read, so on PostgreSQL a change
     * committed meanwhile by another node (a shred, a quota) would otherwise be written back as it was before.
     */
    private Tenant tenant(Jdbc jdbc, TenantId id) throws SQLException {
        return tenants.lockNamesReading(jdbc, id)
                .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "tenant " + id + " does not exist"));
    }

    static String requireText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new GatewayException(Reason.INVALID_REQUEST, "a " + what + " is required");
        }
        if (text.length() > 500) {
            throw new GatewayException(Reason.INVALID_REQUEST, "the " + what + " is longer than 500 characters");
        }
        return text.strip();
    }
}
