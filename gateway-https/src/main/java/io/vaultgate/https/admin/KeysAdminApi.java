package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.tenantId;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/admin/tenants/{tenant}/keys/rotate}: a new key-encryption key version for the tenant,
 * optionally re-wrapping every stored data key under it ({@code rewrap}).
 */
final class KeysAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/keys/rotate",
                    KeysAdminApi::rotate));

    private KeysAdminApi() {
    }

    private static AdminResult rotate(AdminServices admin, Map<String, String> params, JsonBody body) {
        KeyRotation.Result rotated = admin.keys().rotate(tenantId(params.get("tenant")), body.bool("rewrap", false));
        return AdminResult.ok(Json.object(json -> {
            json.writeStringField("tenant", rotated.active().tenantId());
            json.writeNumberField("kekVersion", rotated.active().version());
            json.writeNumberField("rewrapped", rotated.rewrapped());
        }));
    }
}
