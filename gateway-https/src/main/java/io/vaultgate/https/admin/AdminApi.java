package io.vaultgate.https.admin;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.admin.KeyRotation;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.SshPublicKey;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.Route;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.Tenant;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Json;
import io.vaultgate.https.http.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The administrators' API under {@code /v1/admin}: tenants, accounts and their credentials, sites, operators,
 * routes, key rotation and tenant lockdown. Only an {@link AdminPrincipal} may call it; every change is made
 * by the core as {@code admin:<name>}, so the audit log says which administrator did what. Bodies are small
 * JSON objects ({@link JsonExchange}); answers are JSON, failures RFC 9457 problems like everywhere else.
 */
public final class AdminApi {

    public static final String PREFIX = "/v1/admin";
    static final long MAX_RETENTION_DAYS = 36_500;

    /** One answer: a status and a JSON object; {@code secret} if it carries a credential (never cached). */
    private record Result(HttpResponseStatus status, byte[] json, boolean secret) {
        Result(HttpResponseStatus status, byte[] json) {
            this(status, json, false);
        }
    }

    @FunctionalInterface
    private interface Handler {
        Result handle(AdminServices services, Map<String, String> params, JsonBody body);
    }

    private record Operation(io.vaultgate.https.http.Route route, PathTemplate path, Handler handler) {
        Operation(HttpMethod method, String template, Handler handler) {
            this(new io.vaultgate.https.http.Route(method, template), new PathTemplate(template), handler);
        }
    }

    private static final List<Operation> OPERATIONS = List.of(
            new Operation(HttpMethod.GET, PREFIX + "/tenants", AdminApi::listTenants),
            new Operation(HttpMethod.POST, PREFIX + "/tenants", AdminApi::createTenant),
            new Operation(HttpMethod.GET, PREFIX + "/tenants/{tenant}", AdminApi::showTenant),
            new Operation(HttpMethod.PATCH, PREFIX + "/tenants/{tenant}", AdminApi::changeTenant),
            new Operation(HttpMethod.POST, PREFIX + "/tenants/{tenant}/lockdown", AdminApi::lockTenant),
            new Operation(HttpMethod.POST, PREFIX + "/tenants/{tenant}/unlock", AdminApi::unlockTenant),
            new Operation(HttpMethod.POST, PREFIX + "/tenants/{tenant}/shred", AdminApi::shredTenant),
            new Operation(HttpMethod.GET, PREFIX + "/tenants/{tenant}/accounts", AdminApi::listAccounts),
            new Operation(HttpMethod.POST, PREFIX + "/tenants/{tenant}/accounts", AdminApi::createAccount),
            new Operation(HttpMethod.POST, PREFIX + "/accounts/{username}/ssh-keys", AdminApi::addAccountKey),
            new Operation(HttpMethod.POST, PREFIX + "/accounts/{username}/tokens", AdminApi::issueAccountToken),
            new Operation(HttpMethod.GET, PREFIX + "/tenants/{tenant}/routes", AdminApi::listRoutes),
            new Operation(HttpMethod.POST, PREFIX + "/tenants/{tenant}/routes", AdminApi::addRoute),
            new Operation(HttpMethod.DELETE, PREFIX + "/tenants/{tenant}/routes/{route}", AdminApi::removeRoute),
            new Operation(HttpMethod.POST, PREFIX + "/tenants/{tenant}/keys/rotate", AdminApi::rotateKeys),
            new Operation(HttpMethod.POST, PREFIX + "/sites", AdminApi::createSite),
            new Operation(HttpMethod.POST, PREFIX + "/sites/{site}/operators", AdminApi::createOperator),
            new Operation(HttpMethod.POST, PREFIX + "/operators/{username}/ssh-keys", AdminApi::addOperatorKey),
            new Operation(HttpMethod.POST, PREFIX + "/operators/{username}/tokens", AdminApi::issueOperatorToken));

    /** Every method and path this API answers; each must appear in {@code openapi.yaml}. */
    public static final List<io.vaultgate.https.http.Route> ROUTES =
            OPERATIONS.stream().map(Operation::route).toList();

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
        List<Operation> matching = OPERATIONS.stream().filter(op -> op.path().match(path).isPresent()).toList();
        if (matching.isEmpty()) {
            throw noRoute();
        }
        // HEAD is GET without the body (RFC 9110 9.3.2); Reply leaves the body out
        HttpMethod method = HttpMethod.HEAD.equals(request.method()) ? HttpMethod.GET : request.method();
        Operation operation = matching.stream().filter(op -> op.route().method().equals(method))
                .findFirst().orElseThrow(() -> notAllowed(request.method(), matching.get(0).route().template()));
        Map<String, String> params = decoded(operation.path().match(path).orElseThrow());
        AdminServices acting = available.as("admin:" + admin.name());
        if (HttpMethod.GET.equals(method)) {
            send(reply, operation.handler().handle(acting, params, JsonBody.EMPTY));
            return Exchange.DISCARD;
        }
        return new JsonExchange(body -> send(reply, operation.handler().handle(acting, params, body)));
    }

    private static void send(Reply reply, Result result) {
        if (result.status().equals(HttpResponseStatus.NO_CONTENT)) {
            reply.send(reply.empty(result.status()));
            return;
        }
        reply.json(result.status(), result.json(), result.secret()
                ? new DefaultHttpHeaders().set(HttpHeaderNames.CACHE_CONTROL, "no-store") : null);
    }

    private static Result listTenants(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<Tenant> tenants = admin.tenants().tenants();
        return ok(Json.object(json -> {
            json.writeArrayFieldStart("tenants");
            for (Tenant tenant : tenants) {
                json.writeStartObject();
                AdminJson.tenant(json, tenant);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    private static Result createTenant(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(body.string("id"));
        Optional<Long> maxFileBytes = nonNegative(body.optionalLong("maxFileBytes"), "maxFileBytes");
        Tenant created = admin.tenants().createTenant(id, body.optionalString("name").orElse(id.value()),
                body.bool("passwordLogin", false));
        Tenant tenant = maxFileBytes.isPresent() && maxFileBytes.get() != 0
                ? admin.tenants().setMaxFileSize(id, maxFileBytes.get()) : created;
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> AdminJson.tenant(json, tenant)));
    }

    private static Result showTenant(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant tenant = existing(admin, params);
        return ok(Json.object(json -> AdminJson.tenant(json, tenant)));
    }

    /** Validates every field first, so a bad request changes nothing. */
    private static Result changeTenant(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant current = existing(admin, params);
        long quotaBytes = nonNegative(body.optionalLong("quotaBytes"), "quotaBytes")
                .orElse(current.quota().maxBytes());
        long quotaFiles = nonNegative(body.optionalLong("quotaFiles"), "quotaFiles")
                .orElse(current.quota().maxFiles());
        Optional<Duration> retention = nonNegative(body.optionalLong("retentionDays"), "retentionDays")
                .map(AdminApi::retention);
        Optional<List<Cidr>> sources = body.optionalStrings("allowedSources").map(AdminApi::cidrs);
        Optional<Long> maxFileBytes = nonNegative(body.optionalLong("maxFileBytes"), "maxFileBytes");
        Tenant changed = current;
        if (quotaBytes != current.quota().maxBytes() || quotaFiles != current.quota().maxFiles()) {
            changed = admin.tenants().setQuota(current.id(), new Quota(quotaBytes, quotaFiles));
        }
        if (retention.isPresent()) {
            changed = admin.tenants().setRetention(current.id(), retention.get());
        }
        if (sources.isPresent()) {
            changed = admin.tenants().setAllowedSources(current.id(), sources.get());
        }
        if (maxFileBytes.isPresent() && maxFileBytes.get() != current.maxFileSize()) {
            changed = admin.tenants().setMaxFileSize(current.id(), maxFileBytes.get());
        }
        Tenant result = changed;
        return ok(Json.object(json -> AdminJson.tenant(json, result)));
    }

    /** Locks the tenant down: its live sessions end (on every node within 2 s), new logins are refused. */
    private static Result lockTenant(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(params.get("tenant"));
        int ended = admin.lockdown().lockdown(id, body.string("reason"), admin.actor());
        Tenant tenant = existing(admin, params);
        return ok(Json.object(json -> {
            AdminJson.tenant(json, tenant);
            json.writeNumberField("sessionsEnded", ended);
        }));
    }

    /**
     * Lifts a lockdown. A tenant that is not locked is refused with 409 and nothing is changed or audited, as
     * {@code vaultgate unlock} exits 1 then: a script that unlocks the wrong tenant learns of it.
     */
    private static Result unlockTenant(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(params.get("tenant"));
        if (!admin.lockdown().unlock(id, body.string("reason"), admin.actor())) {
            throw new GatewayException(GatewayException.Reason.CONFLICT, "tenant " + id
                    + " is not locked; nothing was changed");
        }
        Tenant tenant = existing(admin, params);
        return ok(Json.object(json -> AdminJson.tenant(json, tenant)));
    }

    /** Offboards the tenant by crypto-shredding it (docs/security.md); {@code confirm} must repeat its id. */
    private static Result shredTenant(AdminServices admin, Map<String, String> params, JsonBody body) {
        TenantId id = tenantId(params.get("tenant"));
        String reason = body.string("reason");
        if (!body.string("confirm").equals(id.value())) {
            throw JsonBody.invalid("field confirm must repeat the tenant id " + id + "; nothing was changed");
        }
        existing(admin, params);
        io.vaultgate.core.admin.TenantShredding.Result shredded = admin.shredding().orElseThrow(() ->
                new GatewayException(GatewayException.Reason.UNAVAILABLE, "tenant shredding is not enabled here"))
                .shred(id, reason, admin.actor());
        return ok(Json.object(json -> {
            json.writeStringField("tenant", id.value());
            json.writeStringField("status", existing(admin, params).status().name());
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

    private static Result listAccounts(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant tenant = existing(admin, params);
        List<Account> accounts = admin.tenants().accounts(tenant.id());
        return ok(Json.object(json -> {
            json.writeArrayFieldStart("accounts");
            for (Account account : accounts) {
                json.writeStartObject();
                AdminJson.account(json, account);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    private static Result createAccount(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<String> keys = validKeys(body);
        Account account = admin.tenants().createAccount(tenantId(params.get("tenant")), body.string("username"));
        for (String key : keys) {
            admin.tenants().addSshKey(account.username(), key);
        }
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> AdminJson.account(json, account)));
    }

    private static Result addAccountKey(AdminServices admin, Map<String, String> params, JsonBody body) {
        String fingerprint = admin.tenants().addSshKey(params.get("username"), body.string("key")).fingerprint();
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> json.writeStringField("fingerprint",
                fingerprint)));
    }

    private static Result issueAccountToken(AdminServices admin, Map<String, String> params, JsonBody body) {
        return token(admin.tenants().issueAccountToken(params.get("username"), body.optionalString("label")
                .orElse("admin-api")));
    }

    private static Result listRoutes(AdminServices admin, Map<String, String> params, JsonBody body) {
        Tenant tenant = existing(admin, params);
        List<Route> routes = admin.sites().routes(tenant.id());
        return ok(Json.object(json -> {
            json.writeArrayFieldStart("routes");
            for (Route route : routes) {
                json.writeStartObject();
                AdminJson.route(json, route);
                json.writeEndObject();
            }
            json.writeEndArray();
        }));
    }

    private static Result addRoute(AdminServices admin, Map<String, String> params, JsonBody body) {
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
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> AdminJson.route(json, route)));
    }

    private static Result removeRoute(AdminServices admin, Map<String, String> params, JsonBody body) {
        admin.sites().removeRoute(tenantId(params.get("tenant")), params.get("route"));
        return new Result(HttpResponseStatus.NO_CONTENT, new byte[0]);
    }

    private static Result rotateKeys(AdminServices admin, Map<String, String> params, JsonBody body) {
        KeyRotation.Result rotated = admin.keys().rotate(tenantId(params.get("tenant")), body.bool("rewrap", false));
        return ok(Json.object(json -> {
            json.writeStringField("tenant", rotated.active().tenantId());
            json.writeNumberField("kekVersion", rotated.active().version());
            json.writeNumberField("rewrapped", rotated.rewrapped());
        }));
    }

    private static Result createSite(AdminServices admin, Map<String, String> params, JsonBody body) {
        String id = tenantId(body.string("id")).value();
        String name = body.optionalString("name").orElse(id);
        admin.sites().createSite(id, name);
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> {
            json.writeStringField("id", id);
            json.writeStringField("name", name);
        }));
    }

    private static Result createOperator(AdminServices admin, Map<String, String> params, JsonBody body) {
        List<String> keys = validKeys(body);
        var operator = admin.sites().createOperator(params.get("site"), body.string("username"));
        for (String key : keys) {
            admin.sites().addOperatorSshKey(operator.username(), key);
        }
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> {
            json.writeStringField("id", operator.id());
            json.writeStringField("site", operator.siteId());
            json.writeStringField("username", operator.username());
        }));
    }

    private static Result addOperatorKey(AdminServices admin, Map<String, String> params, JsonBody body) {
        String fingerprint = admin.sites().addOperatorSshKey(params.get("username"), body.string("key"))
                .fingerprint();
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> json.writeStringField("fingerprint",
                fingerprint)));
    }

    private static Result issueOperatorToken(AdminServices admin, Map<String, String> params, JsonBody body) {
        return token(admin.sites().issueOperatorToken(params.get("username"), body.optionalString("label")
                .orElse("admin-api")));
    }

    /** A new API token, shown in this response only; the gateway keeps its hash. */
    private static Result token(String token) {
        return new Result(HttpResponseStatus.CREATED, Json.object(json -> json.writeStringField("token", token)), true);
    }

    private static Result ok(byte[] json) {
        return new Result(HttpResponseStatus.OK, json);
    }

    private static Tenant existing(AdminServices admin, Map<String, String> params) {
        TenantId id = tenantId(params.get("tenant"));
        return admin.tenants().tenant(id)
                .orElseThrow(() -> new GatewayException(GatewayException.Reason.NOT_FOUND,
                        "tenant " + id + " does not exist"));
    }

    private static TenantId tenantId(String text) {
        try {
            return TenantId.of(text);
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid(e.getMessage());
        }
    }

    private static RouteMode mode(String text) {
        try {
            return RouteMode.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("field mode must be pull or push");
        }
    }

    private static List<Cidr> cidrs(List<String> texts) {
        try {
            return texts.stream().map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw JsonBody.invalid("field allowedSources: " + e.getMessage());
        }
    }

    /** The {@code sshKeys} field, every line parsed before anything is created. */
    private static List<String> validKeys(JsonBody body) {
        List<String> keys = body.optionalStrings("sshKeys").orElse(List.of());
        for (String key : keys) {
            try {
                SshPublicKey.parse(key);
            } catch (IllegalArgumentException e) {
                throw JsonBody.invalid("field sshKeys: " + e.getMessage());
            }
        }
        return keys;
    }

    /** At most 100 years, as on the command line: the retention job subtracts it from now, which must stay a date. */
    private static Duration retention(long days) {
        if (days > MAX_RETENTION_DAYS) {
            throw JsonBody.invalid("field retentionDays must be at most " + MAX_RETENTION_DAYS + " (100 years)");
        }
        return Duration.ofDays(days);
    }

    private static Optional<Long> nonNegative(Optional<Long> value, String name) {
        if (value.isPresent() && value.get() < 0) {
            throw JsonBody.invalid("field " + name + " must be >= 0");
        }
        return value;
    }

    private static Map<String, String> decoded(Map<String, String> raw) {
        Map<String, String> decoded = new java.util.HashMap<>();
        raw.forEach((name, value) -> decoded.put(name, QueryStringDecoder.decodeComponent(value)));
        return decoded;
    }

    private static HttpProblem noRoute() {
        return new HttpProblem(HttpResponseStatus.NOT_FOUND, "no-route", "no such endpoint");
    }

    private static HttpProblem notAllowed(HttpMethod method, String template) {
        return new HttpProblem(HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed",
                method + " is not allowed here", new DefaultHttpHeaders().set(HttpHeaderNames.ALLOW,
                io.vaultgate.https.http.Route.allow(ROUTES, template)));
    }
}
