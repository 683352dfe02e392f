package io.vaultgate.https.auth;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vaultgate.core.auth.AccessControl;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.mfa.Mfa;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.https.http.Exchange;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Json;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Reply;
import io.vaultgate.https.http.Route;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/auth/token}: a long-lived API token ({@code Authorization: Bearer}) and the owner's current
 * TOTP code ({@code Vaultgate-TOTP} header) buy a short-lived bearer token; roles that require MFA log in over
 * HTTPS only with such tokens. {@code GET /v1/auth/banner}: the login banner, before any authentication.
 */
public final class TokenApi {

    public static final String PATH = "/v1/auth/token";
    public static final String BANNER = "/v1/auth/banner";
    public static final String TOTP_HEADER = "Vaultgate-TOTP";
    public static final List<Route> ROUTES = List.of(new Route(HttpMethod.POST, PATH),
            new Route(HttpMethod.GET, BANNER));

    private final Authenticator authenticator;
    private final AccessControl access;

    public TokenApi(HttpAuthentication authentication) {
        this.authenticator = authentication.authenticator();
        this.access = authenticator.access();
    }

    /** Whether this API answers {@code path}. */
    public static boolean owns(String path) {
        return path.equals(PATH) || path.equals(BANNER);
    }

    public Exchange handle(Reply reply, HttpRequest request, Peer peer, String path) {
        if (path.equals(BANNER)) {
            require(request, HttpMethod.GET, "GET");
            Optional<String> banner = access.banner();
            if (banner.isEmpty()) {
                throw new HttpProblem(ProblemType.NO_BANNER, "no login banner is configured");
            }
            reply.json(HttpResponseStatus.OK, Json.object(json -> json.writeStringField("banner", banner.get())));
            return Exchange.DISCARD;
        }
        require(request, HttpMethod.POST, "POST");
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String code = request.headers().get(TOTP_HEADER);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || code == null) {
            throw HttpAuthentication.unauthorized("give your API token as Authorization: Bearer and your current "
                    + "code in the " + TOTP_HEADER + " header", false);
        }
        AuthResult result = authenticator.byTokenAndTotp(authorization.substring(7).trim(), code.trim(),
                Protocol.HTTPS, peer.address());
        if (!(result instanceof AuthResult.Success success)) {
            throw HttpAuthentication.unauthorized("invalid token or code", true);
        }
        Mfa.IssuedToken token = access.issueSessionToken(success.principal()).orElseThrow(() ->
                new HttpProblem(ProblemType.MFA_NOT_CONFIGURED, "MFA is not set up here"));
        reply.json(HttpResponseStatus.OK, Json.object(json -> {
            json.writeStringField("token_type", "Bearer");
            json.writeStringField("access_token", token.token());
            json.writeStringField("expires_at", token.expiresAt().toString());
            // the lifetime, not expires_at minus this host's clock: expires_at is the catalog's time (CatalogClock)
            json.writeNumberField("expires_in", token.lifetime().toSeconds());
        }), noStore());
        return Exchange.DISCARD;
    }

    private static io.netty.handler.codec.http.HttpHeaders noStore() {
        io.netty.handler.codec.http.HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return headers;
    }

    private static void require(HttpRequest request, HttpMethod method, String allow) {
        boolean headOfGet = HttpMethod.HEAD.equals(request.method()) && HttpMethod.GET.equals(method);
        if (!method.equals(request.method()) && !headOfGet) {
            io.netty.handler.codec.http.HttpHeaders headers = new io.netty.handler.codec.http.DefaultHttpHeaders();
            headers.set(HttpHeaderNames.ALLOW, allow);
            throw new HttpProblem(ProblemType.METHOD_NOT_ALLOWED,
                    request.method() + " is not allowed here", headers);
        }
    }
}
