package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.existingTenant;
import static io.vaultgate.https.admin.AdminArguments.tenantId;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;

/** {@code /v1/admin/tenants/{tenant}/lockdown} and {@code .../unlock}: the incident switch for one tenant. */
final class LockdownAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/lockdown",
                    LockdownAdminApi::lock),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/unlock",
                    LockdownAdminApi::unlock));

    private LockdownAdminApi() {
    }

    /** Locks the tenant down: its live sessions end (on every node within 2 s), new logins are refused. */
    private static AdminResult lock(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(params.get("tenant"));
        int ended = admin.lockdown().lockdown(id, body.string("reason"), admin.actor());
        Tenant tenant = existingTenant(admin, params);
        return AdminResult.ok(Json.object(json -> {
            AdminJson.tenant(json, tenant);
            json.writeNumberField("sessionsEnded", ended);
        }));
    }

    /**
     * Lifts a lockdown. A tenant that is not locked is refused with 409 and nothing is changed or audited, as
     * {@code vaultgate unlock} exits 1 then: a script that unlocks the wrong tenant learns of it.
     */
    private static AdminResult unlock(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(params.get("tenant"));
        if (!admin.lockdown().unlock(id, body.string("reason"), admin.actor())) {
            throw new GatewayException(GatewayException.Reason.CONFLICT, "tenant " + id
                    + " is not locked; nothing was changed");
        }
        return TenantsAdminApi.tenant(existingTenant(admin, params));
    }
}
