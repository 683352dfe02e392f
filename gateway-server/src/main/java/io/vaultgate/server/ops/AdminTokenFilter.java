package io.vaultgate.server.ops;

import io.vaultgate.core.auth.AdminPrincipal;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.MonitorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.defender.SourceAddress;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>} of a monitor (what Prometheus should hold:
 * it reads this listener and nothing else) or of an administrator, checked by the core's
 * {@link Authenticator#byOpsToken} (so every check is audited), and hands the endpoint the {@link OpsRole} the token
 * proved, so that {@code /status.json} shows a monitor less than an administrator. A token that passed is remembered,
 * by its SHA-256 only and with the role it proved, for {@code cache}, so a Prometheus scraping every 15 s does not
 * write an audit event each time and is still answered as the monitor it is; revoking a token therefore takes effect
 * here within {@code cache}. It is remembered for the address it came from only: an administrator's token is accepted
 * from {@code access.admin-sources} alone, and one that passed from there must not pass from elsewhere unchecked.
 *
 * <p>The authenticator is the core's {@link Authenticator#withoutDefender() without the defender}: a wrong token
 * here is audited and counted like any failed login, but not scored against the address, so a misconfigured
 * Prometheus on loopback cannot get 127.0.0.1 banned from SFTP and HTTPS, nor an SFTP ban stop the scrapes. Guessing
 * is slowed by a limit of this listener's own instead: a source with {@link #MAX_FAILURES} refused tokens within
 * {@link #FAILURE_WINDOW} is answered 429 without a check until the window ends (a token that passed and is still
 * remembered is let through meanwhile). A source is what the defender scores ({@link SourceAddress#key}): an IPv4
 * address, or an IPv6 address's /64, since any IPv6 client holds a whole /64 and would otherwise get a fresh window
 * per address it takes.
 *
 * <p>{@code clock} is the core's ({@code GatewayCore.nodes().clock()}), the one time source of the gateway's windows,
 * expiries and bans, so a test drives it as it drives the core.
 */
final class AdminTokenFilter {

    private static final String PREFIX = "Bearer ";
    /** Refused tokens one address may present per window. */
    static final int MAX_FAILURES = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    /** Sources whose failures are remembered at most; past this, windows that ended are dropped. */
    private static final int TRACKED = 4096;

    /** A source's refused tokens since {@code since}. */
    private record Failures(Instant since, int count) {
    }

    /** A token that passed, as the role it proved, until {@code until}. */
    private record Accepted(Instant until, OpsRole role) {
    }

    private final Authenticator authenticator;
    private final Duration cache;
    private final Clock clock;
    /** By the token's SHA-256 and the exact address it came from ({@link #acceptedKey}). */
    private final Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    /** By {@link SourceAddress#key}. */
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    AdminTokenFilter(Authenticator authenticator, Duration cache, Clock clock) {
        this.authenticator = authenticator;
        this.cache = cache;
        this.clock = clock;
    }

    /**
     * {@code answer}, run only for a monitor's or administrator's request, with the role its token proved; a worker's
     * route (it reads the catalog).
     */
    Route protect(BiFunction<OpsRequest, OpsRole, Reply> answer) {
        return Route.blocking(request -> {
            String header = request.authorization().orElse(null);
            if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                return refuse(401, "a monitor's or administrator's token is required: Authorization: Bearer <token>\n");
            }
            String token = header.substring(PREFIX.length()).strip();
            Optional<OpsRole> remembered = remembered(acceptedKey(token, request.source()));
            if (remembered.isPresent()) {
                return answer.apply(request, remembered.get());
            }
            Instant now = clock.instant();
            String source = sourceKey(request.source());
            Failures failed = failures.get(source);
            if (failed != null && failed.count() >= MAX_FAILURES && now.isBefore(failed.since().plus(FAILURE_WINDOW))) {
                long seconds = Math.max(1, Duration.between(now, failed.since().plus(FAILURE_WINDOW)).toSeconds());
                return refuse(429, "too many refused tokens from this address; try again in " + seconds + " s\n")
                        .withHeader("Retry-After", Long.toString(seconds));
            }
            Optional<OpsRole> role = admits(token, request.source());
            if (role.isEmpty()) {
                failed(source, now);
                return refuse(403, "the token is not a valid monitor or administrator token\n");
            }
            return answer.apply(request, role.get());
        });
    }

    /** The role the token of {@code key} ({@link #acceptedKey}) proved within {@code cache}, if it did. */
    private Optional<OpsRole> remembered(String key) {
        Accepted known = accepted.get(key);
        if (known != null && clock.instant().isBefore(known.until())) {
            return Optional.of(known.role());
        }
        if (known != null) {
            accepted.remove(key, known);
        }
        return Optional.empty();
    }

    /** A token that passed is remembered under its SHA-256 and the exact address it was presented from. */
    private static String acceptedKey(String token, InetAddress source) {
        return sha256(token) + "@" + (source == null ? "" : source.getHostAddress());
    }

    /** The source {@code address} counts as: the address, or its /64 for IPv6. */
    private static String sourceKey(InetAddress address) {
        return address == null ? "" : SourceAddress.key(address);
    }

    private void failed(String source, Instant now) {
        if (failures.size() >= TRACKED) {
            failures.values().removeIf(f -> !now.isBefore(f.since().plus(FAILURE_WINDOW)));
            if (failures.size() >= TRACKED && !failures.containsKey(source)) {
                return; // that many sources failing within a window: memory stays bounded, the newest go unlimited
            }
        }
        failures.compute(source, (key, before) -> before == null || !now.isBefore(before.since().plus(FAILURE_WINDOW))
                ? new Failures(now, 1) : new Failures(before.since(), before.count() + 1));
    }

    /** The role {@code token} proves now (checked by the core, so audited); empty if it is refused. */
    private Optional<OpsRole> admits(String token, InetAddress source) {
        String key = acceptedKey(token, source);
        Instant now = clock.instant();
        AuthResult result = authenticator.byOpsToken(token, source == null ? "" : source.getHostAddress());
        Optional<OpsRole> role = result instanceof AuthResult.Success success ? roleOf(success.principal())
                : Optional.empty();
        if (role.isPresent() && !cache.isZero()) {
            accepted.put(key, new Accepted(now.plus(cache), role.get()));
        }
        return role;
    }

    /** Monitors and administrators; never a client account or an operator, whatever an authenticator yields. */
    private static Optional<OpsRole> roleOf(Principal principal) {
        if (principal instanceof AdminPrincipal) {
            return Optional.of(OpsRole.ADMINISTRATOR);
        }
        return principal instanceof MonitorPrincipal ? Optional.of(OpsRole.MONITOR) : Optional.empty();
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
