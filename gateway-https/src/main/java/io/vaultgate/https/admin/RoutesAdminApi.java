package io.vaultgate.https.admin;

import static io.vaultgate.https.admin.AdminArguments.MAX_RETENTION_DAYS;
import static io.vaultgate.https.admin.AdminArguments.existingTenant;
import static io.vaultgate.https.admin.AdminArguments.nonNegative;
import static io.vaultgate.https.admin.AdminArguments.tenantId;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.https.http.Json;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /v1/admin/tenants/{tenant}/routes}: which sites receive a tenant's files, pulled or pushed. */
final class RoutesAdminApi {

    static final List<AdminOperation> OPERATIONS = List.of(
            new AdminOperation(HttpMethod.GET, AdminApi.PREFIX + "/tenants/{tenant}/routes", RoutesAdminApi::list),
            new AdminOperation(HttpMethod.POST, AdminApi.PREFIX + "/tenants/{tenant}/routes", RoutesAdminApi::add),
            new AdminOperation(HttpMethod.DELETE, AdminApi.PREFIX + "/tenants/{tenant}/routes/{route}",
                    RoutesAdminApi::remove));

    private RoutesAdminApi() {
    }

    private static AdminResult list(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant tenant = existingTenant(admin, params);
        List<Route> routes = admin.sites().routes(tenant.id());
        return AdminResult.ok(Json.object(json -> AdminJson.array(json, "routes", routes, AdminJson::route)));
    }

    private static AdminResult add(AdminServices admin, Map<String, String> params, JsonBody body) {
        RouteMode mode = mode(body.string("mode"));
        long maxFiles = nonNegative(body.optionalLong("maxFiles"), "maxFiles").orElse(0L);
        long maxBytes = nonNegative(body.optionalLong("maxBytes"), "maxBytes").orElse(0L);
        long idleSeconds = nonNegative(body.optionalLong("idleCloseSeconds"), "idleCloseSeconds").orElse(0L);
        if (idleSeconds > Duration.ofDays(MAX_RETENTION_DAYS).toSeconds()) { // the core adds it to dates
            throw JsonBody.invalid("field idleCloseSeconds must be at most " + Duration.ofDays(MAX_RETENTION_DAYS)
                    .toSeconds() + " (100 years)");
        }
        Duration idle = Duration.ofSeconds(idleSeconds);
        Route route;
        try {
            route = admin.sites().addRoute(tenantId(params.get("tenant")), body.string("site"), mode,
                    PathPolicy.parse(body.optionalString("prefix").orElse("/inbox")), maxFiles, maxBytes, idle);
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid(e.getMessage());
        }
        return AdminResult.created(Json.object(json -> AdminJson.route(json, route)));
    }

    private static AdminResult remove(AdminServices admin, Map<String, String> params, JsonBody body) {
        admin.sites().removeRoute(tenantId(params.get("tenant")), params.get("route"));
        return AdminResult.noContent();
    }

    private static RouteMode mode(String text) {
        try {
            return RouteMode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("field mode must be pull or push");
        }
    }
}
