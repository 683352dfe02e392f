package io.vaultgate.https.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.https.http.Route;
import java.util.Map;

/**
 * One admin endpoint: the method and path it answers and the handler that answers it. Each resource's class
 * ({@link TenantsAdminApi}, {@link AccountsAdminApi}, ...) lists its own; {@link AdminApi} dispatches to them.
 */
record AdminOperation(Route route, PathTemplate path, Handler handler) {

    /** Answers one call, acting as the calling administrator; {@code params} are the decoded path segments. */
    @FunctionalInterface
    interface Handler {
        AdminResult handle(AdminServices admin, Map<String, String> params, JsonBody body);
    }

    AdminOperation(HttpMethod method, String template, Handler handler) {
        this(new Route(method, template), new PathTemplate(template), handler);
    }
}
