package io.vaultgate.core.defender;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Locks a login name's password logins and TOTP step (and, if the policy says so, its key logins) after
 * {@link DefenderPolicy#lockoutFailures()} consecutive failures, for {@link DefenderPolicy#lockoutTime()}
 * (PCI DSS 8.3.4). Counted in the catalog ({@code login_lockouts}), so the count and the lock hold across
 * nodes and restarts, and counted atomically when nodes count failures of one name at the same time. A
 * success resets the count; an administrator can lift a lock. Locks and unlocks are
 * audited.
 */
public final class LoginLockouts {

    private final Database database;
    private final AuditLog audit;
    private final DefenderPolicy policy;
    private final Clock clock;
    private final DefenderMetrics metrics;

    /** Counts its lockouts on {@code defender}'s meters, under its policy. */
    public LoginLockouts(Database database, AuditLog audit, Defender defender, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.policy = defender.policy();
        this.clock = clock;
        this.metrics = defender.metrics();
    }

    /** Whether failures of {@code method} count at all under the policy: passwords and TOTP codes always do. */
    public boolean counts(LoginMethod method) {
        return method != LoginMethod.KEY || policy.keyLogins() == KeyLoginPolicy.LOCK;
    }

    /** Until when {@code username}'s logins by {@code method} are locked; empty when they are not. */
    public Optional<Instant> lockedUntil(Jdbc jdbc, String username, LoginMethod method) throws SQLException {
        if (!counts(method)) {
            return Optional.empty();
        }
        return jdbc.queryOne("SELECT locked_until FROM login_lockouts WHERE username = ? AND method = ? "
                        + "AND locked_until > ?", row -> Instant.ofEpochMilli(row.getLong(1)), username,
                method.column(), clock.instant().toEpochMilli());
    }

    /** Counts one failure; returns true when this failure locked the login. */
    public boolean failed(String username, LoginMethod method, Optional<TenantId> tenant) {
        if (!counts(method)) {
            return false;
        }
        Instant now = clock.instant();
        boolean locked = database.inTransaction(jdbc -> {
            // Several nodes count failures of one login name at once: make sure its row exists (an atomic
            // upsert), then lock it, so each failure is counted exactly once and only one of them locks.
            jdbc.update("INSERT INTO login_lockouts (username, method, failures, locked_until, updated_at) "
                    + "VALUES (?, ?, 0, NULL, ?) ON CONFLICT (username, method) DO NOTHING", username, method.column(),
                    now.toEpochMilli());
            int[] row = jdbc.queryOne("SELECT failures, CASE WHEN locked_until > ? THEN 1 ELSE 0 END "
                    + "FROM login_lockouts WHERE username = ? AND method = ?" + jdbc.dialect().forUpdate(),
                    r -> new int[] {r.getInt(1), r.getInt(2)}, now.toEpochMilli(), username, method.column())
                    .orElseThrow();
            if (row[1] == 1) {
                return false;
            }
            int failures = row[0] + 1;
            boolean lock = failures >= policy.lockoutFailures();
            Long until = lock ? now.plus(policy.lockoutTime()).toEpochMilli() : null;
            jdbc.update("UPDATE login_lockouts SET failures = ?, locked_until = ?, updated_at = ? "
                    + "WHERE username = ? AND method = ?", lock ? 0 : failures, until, now.toEpochMilli(),
                    username, method.column());
            if (lock) {
                audit.append(jdbc, new AuditEvent.AdminChange(now, tenant, Defender.ACTOR,
                        AuditEvent.AdminAction.ACCOUNT_LOCKED, username + " " + method.column() + " logins locked "
                        + "until " + Instant.ofEpochMilli(until) + " after " + failures + " failures"));
            }
            return lock;
        });
        if (locked) {
            metrics.lockedOut();
        }
        return locked;
    }

    /** A success: forget the failures counted so far (a write only when there were any). */
    public void succeeded(Jdbc jdbc, String username, LoginMethod method) throws SQLException {
        if (counts(method) && jdbc.count("SELECT COUNT(*) FROM login_lockouts WHERE username = ? AND method = ? "
                + "AND failures > 0", username, method.column()) > 0) {
            jdbc.update("UPDATE login_lockouts SET failures = 0 WHERE username = ? AND method = ?", username,
                    method.column());
        }
    }

    /** Lifts every lock and count of {@code username}; false if there was none. */
    public boolean unlock(String username, Optional<TenantId> tenant, String actor) {
        Instant now = clock.instant();
        return database.inTransaction(jdbc -> {
            int rows = jdbc.update("DELETE FROM login_lockouts WHERE username = ?", username);
            if (rows > 0) {
                audit.append(jdbc, new AuditEvent.AdminChange(now, tenant, actor,
                        AuditEvent.AdminAction.ACCOUNT_UNLOCKED, username + " login lockout lifted"));
            }
            return rows > 0;
        });
    }

    /** Login names locked now, with the time each lock ends. */
    public java.util.List<java.util.Map.Entry<String, Instant>> locked() {
        return database.read(jdbc -> jdbc.query("SELECT username, method, locked_until FROM login_lockouts "
                + "WHERE locked_until > ? ORDER BY username", r -> java.util.Map.entry(r.getString(1) + " ("
                + r.getString(2) + ")", Instant.ofEpochMilli(r.getLong(3))), clock.instant().toEpochMilli()));
    }
}
