package io.vaultgate.https.operator;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.policy.DataPolicy;
import io.vaultgate.core.policy.Policies;
import io.vaultgate.core.policy.PolicyAck;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Json;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.Route;
import java.util.List;
import java.util.OptionalInt;

/**
 * An operator reads a tenant's current data-handling policy ({@code GET /v1/operator/tenants/{t}/policy})
 * and acknowledges it ({@code POST .../policy/ack?version=N}; the version it read, refused with 409 if it
 * is no longer current). Tenants not routed to the operator's site are not found.
 */
public final class PolicyApi {

    public static final String PREFIX = "/v1/operator";
    static final String POLICY = PREFIX + "/tenants/{tenant}/policy";
    static final String ACK = POLICY + "/ack";
    static final List<Route> ROUTES = List.of(new Route(HttpMethod.GET, POLICY), new Route(HttpMethod.POST, ACK));

    private final Policies policies;

    PolicyApi(Policies policies) {
        this.policies = policies;
    }

    /** True if {@code path} is one of this API's. */
    public static boolean owns(String path) {
        return path.startsWith(PREFIX + "/");
    }

    Exchange handle(Reply reply, HttpRequest request, Principal principal, String path) {
        if (!(principal instanceof OperatorPrincipal operator)) {
            throw GatewayException.denied("operator API");
        }
        String[] parts = path.substring(PREFIX.length() + 1).split("/", -1);
        if (parts.length < 3 || parts.length > 4 || !parts[0].equals("tenants") || !parts[2].equals("policy")
                || (parts.length == 4 && !parts[3].equals("ack"))) {
            throw new HttpProblem(ProblemType.NO_ROUTE, "no such endpoint");
        }
        TenantId tenant = tenant(parts[1]);
        if (parts.length == 3) {
            requireMethod(request.method(), HttpMethod.GET, POLICY);
            DataPolicy policy = policies.current(operator, tenant).orElseThrow(() -> new GatewayException(
                    GatewayException.Reason.NOT_FOUND, "tenant " + tenant + " has not published a data-handling policy"));
            reply.json(HttpResponseStatus.OK, Json.object(json -> {
                json.writeStringField("tenant", tenant.value());
                json.writeNumberField("version", policy.version());
                json.writeStringField("sha256", policy.sha256());
                json.writeStringField("publishedAt", policy.publishedAt().toString());
                json.writeStringField("text", policy.text());
                json.writeStringField("acknowledge", "/v1/operator/tenants/" + tenant + "/policy/ack?version="
                        + policy.version());
            }));
            return Exchange.DISCARD;
        }
        requireMethod(request.method(), HttpMethod.POST, ACK);
        PolicyAck ack = policies.acknowledge(operator, tenant, version(request));
        reply.json(HttpResponseStatus.OK, Json.object(json -> {
            json.writeStringField("tenant", tenant.value());
            json.writeNumberField("version", ack.version());
            json.writeStringField("operator", ack.operator());
            json.writeStringField("acknowledgedAt", ack.acknowledgedAt().toString());
        }));
        return Exchange.DISCARD;
    }

    private static TenantId tenant(String text) {
        try {
            return TenantId.of(text);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(GatewayException.Reason.NOT_FOUND, "tenant " + text + ": not found");
        }
    }

    private static OptionalInt version(HttpRequest request) {
        List<String> values = new QueryStringDecoder(request.uri()).parameters().getOrDefault("version", List.of());
        if (values.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            int version = Integer.parseInt(values.get(0));
            if (values.size() == 1 && version >= 1) {
                return OptionalInt.of(version);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the refusal below
        }
        throw HttpProblem.badRequest("version must be one positive integer, the policy version you read");
    }

    private static void requireMethod(HttpMethod method, HttpMethod allowed, String template) {
        boolean headOfGet = HttpMethod.HEAD.equals(method) && HttpMethod.GET.equals(allowed); // Reply drops the body
        if (!allowed.equals(method) && !headOfGet) {
            throw new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                    method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW,
                    Route.allow(ROUTES, template)));
        }
    }
}
