package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.catalog.Database;
import io.vaultgate.core.catalog.TenantRepository;
import io.vaultgate.core.tenant.TenantId;

/** Refuses to let data of a locked tenant leave the gateway. */
final class TenantLock {

    private final Database database;
    private final TenantRepository tenants = new TenantRepository();

    TenantLock(Database database) {
        this.database = database;
    }

    void requireActive(TenantId tenant) {
        boolean active = database.read(jdbc -> tenants.find(jdbc, tenant)).map(t -> t.isActive()).orElse(false);
        if (!active) {
            throw new GatewayException(Reason.TENANT_LOCKED, "the tenant is locked; downloads are refused");
        }
    }
}
