package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.Jdbc;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import java.sql.SQLException;

/** Refuses to let data of a locked tenant, or its files' names and sizes, leave the gateway. */
final class TenantLock {

    private final Database database;
    private final TenantRepository tenants = new TenantRepository();

    TenantLock(Database database) {
        this.database = database;
    }

    void requireActive(TenantId tenant) {
        database.read(jdbc -> {
            requireActive(jdbc, tenant, "downloads are refused");
            return null;
        });
    }

    /**
     * Inside the caller's read: refuses with {@link Reason#TENANT_LOCKED} unless the tenant is active.
     *
     * @param refused what is refused, for the message ({@code "listings are refused"})
     */
    void requireActive(Jdbc jdbc, TenantId tenant, String refused) throws SQLException {
        if (!tenants.find(jdbc, tenant).map(Tenant::isActive).orElse(false)) {
            throw new GatewayException(Reason.TENANT_LOCKED, "the tenant is locked; " + refused);
        }
    }
}
