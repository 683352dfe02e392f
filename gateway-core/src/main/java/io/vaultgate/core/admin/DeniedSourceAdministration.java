package io.vaultgate.core.admin;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import io.vaultgate.core.auth.DeniedSources;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.TenantId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's denied networks, the counterpart of its allowlist ({@code tenant set --allow-sources}): a login
 * from a denied network is refused even when the allowlist would admit it. Audited.
 */
public final class DeniedSourceAdministration {

    private final Database database;
    private final DeniedSources denied = new DeniedSources();
    private final AuditLog audit;
    private final Clock clock;

    public DeniedSourceAdministration(Database database, AuditLog audit, Clock clock) {
        this.database = database;
        this.audit = audit;
        this.clock = clock;
    }

    public List<Cidr> list(TenantId tenant) {
        return database.read(jdbc -> denied.list(jdbc, tenant));
    }

    public void replace(TenantId tenant, List<Cidr> cidrs, String actor) {
        Instant now = clock.instant();
        database.inTransaction(jdbc -> {
            if (jdbc.count("SELECT COUNT(*) FROM tenants WHERE id = ?", tenant.value()) == 0) {
                throw new GatewayException(Reason.NOT_FOUND, "tenant " + tenant + " does not exist");
            }
            denied.replace(jdbc, tenant, cidrs);
            audit.append(jdbc, new AuditEvent.AdminChange(now, Optional.of(tenant), actor,
                    AuditEvent.AdminAction.TENANT_UPDATED, tenant.value() + " denied sources " + cidrs));
            return null;
        });
    }
}
