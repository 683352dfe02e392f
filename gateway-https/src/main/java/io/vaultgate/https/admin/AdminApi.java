package io.vaultgate.https.admin;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.Route;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The administrators' API under {@code /v1/admin}: tenants, accounts and their credentials, sites, operators,
 * routes, key rotation, tenant lockdown and shredding. This class only dispatches: it checks the caller, finds
 * the {@link AdminOperation} for the method and path among the resources' lists, and sends its answer. Only an
 * {@link AdminPrincipal} may call it; every change is made by the core as {@code admin:<name>}, so the audit log
 * says which administrator did what. Bodies are small JSON objects ({@link JsonExchange}); answers are JSON,
 * failures RFC 9457 problems like everywhere else.
 */
public final class AdminApi {

    public static final String PREFIX = "/v1/admin";

    private static final List<AdminOperation> OPERATIONS = Stream.of(TenantsAdminApi.OPERATIONS,
            LockdownAdminApi.OPERATIONS, ShreddingAdminApi.OPERATIONS, AccountsAdminApi.OPERATIONS,
            RoutesAdminApi.OPERATIONS, KeysAdminApi.OPERATIONS, SitesAdminApi.OPERATIONS,
            OperatorsAdminApi.OPERATIONS).flatMap(List::stream).toList();

    /** Every method and path this API answers; each must appear in {@code openapi.yaml}. */
    public static final List<Route> ROUTES = OPERATIONS.stream().map(AdminOperation::route).toList();

    private final Optional<AdminServices> services;

    public AdminApi(AdminServices services) {
        this.services = Optional.of(services);
    }

    private AdminApi() {
        this.services = Optional.empty();
    }

    /** For a listener started without the admin services: every admin route is not found. */
    public static AdminApi disabled() {
        return new AdminApi();
    }

    public Exchange handle(Reply reply, HttpRequest request, Principal principal, String path) {
        AdminServices available = services.orElseThrow(AdminApi::noRoute);
        if (!(principal instanceof AdminPrincipal admin)) {
            throw GatewayException.denied("the admin API");
        }
        List<AdminOperation> matching = OPERATIONS.stream().filter(op -> op.path().match(path).isPresent()).toList();
        if (matching.isEmpty()) {
            throw noRoute();
        }
        // HEAD is GET without the body (RFC 9110 9.3.2); Reply leaves the body out
        HttpMethod method = HttpMethod.HEAD.equals(request.method()) ? HttpMethod.GET : request.method();
        AdminOperation operation = matching.stream().filter(op -> op.route().method().equals(method))
                .findFirst().orElseThrow(() -> notAllowed(request.method(), matching.get(0).route().template()));
        Map<String, String> params = decoded(operation.path().match(path).orElseThrow());
        AdminServices acting = available.as("admin:" + admin.name());
        if (HttpMethod.GET.equals(method)) {
            send(reply, operation.handler().handle(acting, params, JsonBody.EMPTY));
            return Exchange.DISCARD;
        }
        return new JsonExchange(body -> send(reply, operation.handler().handle(acting, params, body)));
    }

    private static void send(Reply reply, AdminResult result) {
        if (result.status().equals(HttpResponseStatus.NO_CONTENT)) {
            reply.send(reply.empty(result.status()));
            return;
        }
        reply.json(result.status(), result.json(), result.secret()
                ? new DefaultHttpHeaders().set(HttpHeaderNames.CACHE_CONTROL, "no-store") : null);
    }

    private static Map<String, String> decoded(Map<String, String> raw) {
        Map<String, String> decoded = new HashMap<>();
        raw.forEach((name, value) -> decoded.put(name, QueryStringDecoder.decodeComponent(value)));
        return decoded;
    }

    private static HttpProblem noRoute() {
        return new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint");
    }

    private static HttpProblem notAllowed(HttpMethod method, String template) {
        return new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW,
                Route.allow(ROUTES, template)));
    }
}
