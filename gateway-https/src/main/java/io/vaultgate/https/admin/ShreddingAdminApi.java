package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.existingTenant;
import static io.vaultgate.https.admin.AdminArguments.tenantId;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.admin.TenantShredding;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/admin/tenants/{tenant}/shred}: offboards a tenant by crypto-shredding it (docs/security.md).
 */
final class ShreddingAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/shred", ShreddingAdminApi::shred));

    private ShreddingAdminApi() {
    }

    /** {@code confirm} must repeat the tenant's id; a mismatch changes nothing. */
    private static AdminResult shred(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(params.get("tenant"));
        String reason = body.string("reason");
        if (!body.string("confirm").equals(id.value())) {
            throw JsonBody.invalid("field confirm must repeat the tenant id " + id + "; nothing was changed");
        }
        existingTenant(admin, params);
        TenantShredding.Result shredded = admin.shredding().shred(id, reason, admin.actor());
        return AdminResult.ok(Json.object(json -> {
            json.writeStringField("tenant", id.value());
            json.writeStringField("status", existingTenant(admin, params).status().name());
            json.writeStringField("record", shredded.record().toText());
            json.writeStringField("digest", shredded.digest());
            json.writeArrayFieldStart("keys");
            for (String key : shredded.record().record().keyIds()) {
                json.writeString(key);
            }
            json.writeEndArray();
            json.writeNumberField("filesForgotten", shredded.filesForgotten());
            json.writeNumberField("sessionsEnded", shredded.sessionsEnded());
        }));
    }
}
