package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.tenantId;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.admin.Offboarding;
import io.vaultgate.https.http.Json;
import java.util.List;
import java.util.Map;

/** {@code /v1/admin/sites}: the partner sites that receive files; their operators are {@link OperatorsAdminApi}'s. */
final class SitesAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites", SitesAdminApi::create),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/sites/{site}/remove", SitesAdminApi::remove));

    private SitesAdminApi() {
    }

    /** A site's id follows the tenant id rules (it names directories and appears in paths). */
    private static AdminResult create(AdminServices admin, Map<String, String> params, JsonBody body) {
        String id = tenantId(body.string("id")).value();
        String name = body.optionalString("name").orElse(id);
        admin.sites().createSite(id, name);
        return AdminResult.created(Json.object(json -> {
            json.writeStringField("id", id);
            json.writeStringField("name", name);
        }));
    }

    /** Removes the site and its operators ({@code reason} required); 409 while a route or work is left for it. */
    private static AdminResult remove(AdminServices admin, Map<String, String> params, JsonBody body) {
        Offboarding.RemovedSite removed = admin.offboarding().removeSite(params.get("site"), body.string("reason"),
                admin.actor());
        return AdminResult.ok(Json.object(json -> {
            json.writeStringField("site", removed.siteId());
            json.writeArrayFieldStart("operatorsRemoved");
            for (String username : removed.operatorsRemoved()) {
                json.writeString(username);
            }
            json.writeEndArray();
            json.writeNumberField("sessionsEnded", removed.sessionsEnded());
        }));
    }
}
