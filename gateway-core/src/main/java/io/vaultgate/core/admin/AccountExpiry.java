package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditEvent.AdminAction;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Sets or clears when a client account expires; an expired account's logins are refused. Audited. */
public final class AccountExpiry {

    private final Database database;
    private final AuditLog audit;
    private final Clock clock;

    public AccountExpiry(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    /** @param expiresAt empty: never expires */
    public void set(String username, Optional<Instant> expiresAt, String actor) {
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            TenantId tenant = jdbc.queryOne("SELECT tenant_id FROM accounts WHERE username = ?",
                    row -> new TenantId(row.getString(1)), username)
                    .orElseThrow(() -> new GatewayException(Reason.NOT_FOUND, "no account named " + username));
            jdbc.update("UPDATE accounts SET expires_at = ? WHERE username = ?",
                    expiresAt.map(Instant::toEpochMilli).orElse(null), username);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.of(tenant), actor, AdminAction.ACCOUNT_UPDATED,
                    username + " expires " + expiresAt.map(Instant::toString).orElse("never")));
            return null;
        });
    }
}
