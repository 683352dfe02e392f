package io.vaultgate.server.ops;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>} of an administrator, checked by the
 * core's {@link Authenticator} (so every check is audited). A token that passed is remembered, by its
 * SHA-256 only, for {@code cache}, so a Prometheus scraping every 15 s does not write an audit event each
 * time; revoking a token therefore takes effect here within {@code cache}.
 */
final class AdminTokenFilter extends Filter {

    private static final String PREFIX = "Bearer ";

    private final Authenticator authenticator;
    private final Duration cache;
    private final Clock clock;
    private final Map<String, Instant> accepted = new ConcurrentHashMap<>();

    AdminTokenFilter(Authenticator authenticator, Duration cache, Clock clock) {
        this.authenticator = authenticator;
        this.cache = cache;
        this.clock = clock;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            refuse(exchange, 401, "an administrator token is required: Authorization: Bearer <token>\n");
            return;
        }
        if (!isAdmin(header.substring(PREFIX.length()).strip(), exchange.getRemoteAddress().getAddress())) {
            refuse(exchange, 403, "the token is not a valid administrator token\n");
            return;
        }
        chain.doFilter(exchange);
    }

    private boolean isAdmin(String token, java.net.InetAddress source) {
        String key = sha256(token);
        Instant now = clock.instant();
        Instant until = accepted.get(key);
        if (until != null && now.isBefore(until)) {
            return true;
        }
        accepted.remove(key);
        AuthResult result = authenticator.byToken(token, Protocol.HTTPS, source == null ? "" : source.getHostAddress());
        boolean admin = result instanceof AuthResult.Success success && success.principal() instanceof AdminPrincipal;
        if (admin && !cache.isZero()) {
            accepted.put(key, now.plus(cache));
        }
        return admin;
    }

    private static void refuse(HttpExchange exchange, int status, String message) throws IOException {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vaultgate-ops\"");
        Exchanges.text(exchange, status, message);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public String description() {
        return "administrator bearer token";
    }
}
