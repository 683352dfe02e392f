package io.vaultgate.server.ops;

import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.tenant.Protocol;
import java.net.InetAddress;
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
final class AdminTokenFilter {

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

    /** {@code answer}, run only for an administrator's request; a worker's route, since the check reads the catalog. */
    Route protect(java.util.function.Function<OpsRequest, Reply> answer) {
        return Route.blocking(request -> {
            String header = request.authorization().orElse(null);
            if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                return refuse(401, "an administrator token is required: Authorization: Bearer <token>\n");
            }
            if (!isAdmin(header.substring(PREFIX.length()).strip(), request.source())) {
                return refuse(403, "the token is not a valid administrator token\n");
            }
            return answer.apply(request);
        });
    }

    private boolean isAdmin(String token, InetAddress source) {
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

    private static Reply refuse(int status, String message) {
        return Reply.text(status, message).withHeader("WWW-Authenticate", "Bearer realm=\"vaultgate-ops\"");
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
