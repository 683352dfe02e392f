package io.vaultgate.https.auth;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.http.ProblemType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the {@code Authorization} header and asks the core: {@code Bearer} tokens through
 * {@link Authenticator#byToken}, {@code Basic} credentials through {@link Authenticator#byPassword}
 * (the core refuses them unless the tenant allows passwords). Without the header, a TLS client
 * certificate the handshake verified is offered through {@link Authenticator#byCertificate}; a header,
 * when present, always wins. Where the listener requires client certificates, a client account's header credential
 * stands only on a connection whose certificate is registered to that same account
 * ({@link Authenticator#certificateBound}); elsewhere a client can act as another account than its certificate's. The
 * front-end never decides itself, and every refusal looks the same to the client: 401 with both
 * challenges ({@code error="invalid_token"} only when a header credential was refused), the right password of a role
 * that requires MFA included; but for a monitor's token (valid, for the ops listener only), which is 403, and a
 * password the core had no free check for, which is 503 ({@link #refused}).
 *
 * <p>On a keep-alive connection, a request presenting exactly the credential that an earlier request on it
 * logged in with, within {@link #REUSE} of that check, is the same login ({@link ChannelSessions#reuse}):
 * like the requests of an SFTP session it is not checked, audited and counted again, which saves a catalog
 * round trip and a durable audit write per request. Revocations and lockdowns end the connection itself; a ban
 * of the source address since then sends the request through the full check, which refuses it.
 */
public final class HttpAuthentication {

    static final String REALM = "vaultgate";
    /** How long a keep-alive connection's login stands for later requests presenting the same credential. */
    static final Duration REUSE = Duration.ofSeconds(60);
    /** When a client whose password could not be checked for lack of a free check may try again. */
    static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);

    private final Authenticator authenticator;
    private final boolean certificatesRequired;
    private final ChannelSessions sessions;

    /** For a listener that does not require client certificates. */
    public HttpAuthentication(Authenticator authenticator) {
        this(authenticator, false);
    }

    /**
     * @param certificatesRequired whether the listener requires a client certificate
     *                             ({@code https.client-certificates.mode: required}): a client account's header
     *                             credential then stands only with a certificate registered to that account
     */
    public HttpAuthentication(Authenticator authenticator, boolean certificatesRequired) {
        this(authenticator, certificatesRequired, System::nanoTime);
    }

    /** For a listener that does not require client certificates, with {@link #REUSE} measured by {@code nanoClock}. */
    HttpAuthentication(Authenticator authenticator, java.util.function.LongSupplier nanoClock) {
        this(authenticator, false, nanoClock);
    }

    /** @param nanoClock the time {@link #REUSE} is measured in, e.g. {@link System#nanoTime} */
    HttpAuthentication(Authenticator authenticator, boolean certificatesRequired,
                       java.util.function.LongSupplier nanoClock) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
        this.certificatesRequired = certificatesRequired;
        this.sessions = new ChannelSessions(authenticator.access().sessions(), REUSE, nanoClock);
    }

    /** The authenticator this front-end asks, for the token exchange. */
    Authenticator authenticator() {
        return authenticator;
    }

    /** The authenticated principal; throws a 401 {@link HttpProblem} when credentials are missing or refused. */
    public Principal authenticate(HttpHeaders headers, Peer peer) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        byte[] presented = presented(authorization, peer);
        if (presented != null && peer.channel().isPresent()) {
            Optional<Principal> known = sessions.reuse(peer.channel().get(), presented);
            // a source banned since (the defender's in-memory verdict) is checked in full, and refused
            if (known.isPresent() && authenticator.access().admits(peer.address(), "login")) {
                return known.get();
            }
        }
        if (authorization == null) {
            return byCertificate(peer, presented);
        }
        AuthResult result = bound(check(authorization.trim(), peer.address()), peer);
        if (result instanceof AuthResult.Success success) {
            return registered(success, peer, presented);
        }
        throw refused(result);
    }

    /**
     * A header credential's success, where certificates are required, stands only as the core decides for the
     * connection's certificate (none, outside a TLS pipeline: an empty fingerprint, which no account holds).
     */
    private AuthResult bound(AuthResult result, Peer peer) {
        if (!certificatesRequired || !(result instanceof AuthResult.Success success)) {
            return result;
        }
        return authenticator.certificateBound(success, peer.certificate().map(Fingerprints::sha256).orElse(""),
                Protocol.HTTPS, peer.address());
    }

    /** The connection joins the live sessions, so that a lockdown or revocation ends it. */
    private Principal registered(AuthResult.Success success, Peer peer, byte[] presented) {
        peer.channel().ifPresent(channel -> sessions.register(channel, success.principal(), success.credential(),
                peer.address(), presented));
        return success.principal();
    }

    /**
     * A SHA-256 of the credential the request presents: its {@code Authorization} header, else its verified
     * client certificate; null when it presents neither.
     */
    private byte[] presented(String authorization, Peer peer) {
        if (authorization != null) { // where certificates are required, the login was decided for this certificate too
            return sha256("header:" + authorization.trim() + (certificatesRequired ? "\ncertificate:"
                    + peer.certificate().map(Fingerprints::sha256).orElse("") : ""));
        }
        return peer.certificate().map(certificate -> sha256("certificate:" + Fingerprints.sha256(certificate)))
                .orElse(null);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * Every refused header credential gets one answer, whatever the core's reason: a right password (or a valid
     * long-lived token) of a role that requires MFA ({@link AuthFailure#MFA_REQUIRED}) answers exactly as a wrong one,
     * else it would tell whoever guesses passwords that one was right without their ever knowing a TOTP code. Where
     * any role requires MFA, that one answer names the token exchange ({@link #invalidCredentials}). Two exceptions
     * that say nothing about the credential: a monitor's token, valid but for the ops listener only, is forbidden
     * here like an operator's token on the admin API; a password the core could not check because every permitted
     * check stayed busy ({@link AuthFailure#PASSWORD_CHECK_BUSY}, decided before the name and password are looked at)
     * is 503 with {@code Retry-After}, so that a client retries instead of taking its password for wrong.
     */
    private HttpProblem refused(AuthResult result) {
        AuthFailure reason = result instanceof AuthResult.Failure failure ? failure.shown() : null;
        if (reason == AuthFailure.MONITOR_ONLY) {
            return new HttpProblem(ProblemType.ACCESS_DENIED, "a monitor's token reads /metrics and /status.json on "
                    + "the ops listener only");
        }
        if (reason == AuthFailure.PASSWORD_CHECK_BUSY) {
            HttpHeaders headers = new DefaultHttpHeaders();
            headers.set(HttpHeaderNames.RETRY_AFTER, String.valueOf(BUSY_RETRY_AFTER.toSeconds()));
            return new HttpProblem(ProblemType.UNAVAILABLE, "too many password checks at once, the password was not "
                    + "checked: retry shortly", headers);
        }
        return invalidCredentials();
    }

    /**
     * The one answer to a refused or malformed header credential. Where any role requires MFA it says that a second
     * factor may be what is missing and how to give it, to every client alike: the answer must not depend on whether
     * the password was right.
     */
    private HttpProblem invalidCredentials() {
        return unauthorized(authenticator.access().mfaConfigured() ? "invalid credentials, or a second factor is "
                + "required: a role that requires a TOTP code logs in only with a short-lived token, from POST "
                + TokenApi.PATH + " with its API token and the code" : "invalid credentials", true);
    }

    /** A refused certificate answers exactly like no credentials: the client sent no token to call invalid. */
    private Principal byCertificate(Peer peer, byte[] presented) {
        if (peer.certificate().isPresent()) {
            AuthResult result = authenticator.byCertificate(Fingerprints.sha256(peer.certificate().get()),
                    Protocol.HTTPS, peer.address());
            if (result instanceof AuthResult.Success success) {
                return registered(success, peer, presented);
            }
        }
        throw unauthorized("authentication required", false);
    }

    private AuthResult check(String authorization, String source) {
        int space = authorization.indexOf(' ');
        String scheme = space < 0 ? authorization : authorization.substring(0, space);
        String credentials = space < 0 ? "" : authorization.substring(space + 1).trim();
        if (credentials.isEmpty()) {
            throw invalidCredentials();
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            return authenticator.byToken(credentials, Protocol.HTTPS, source);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(credentials, source);
        }
        throw unauthorized("unsupported authentication scheme", false);
    }

    private AuthResult basic(String encoded, String source) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw invalidCredentials();
        }
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(decoded));
        Arrays.fill(decoded, (byte) 0);
        char[] all = new char[chars.remaining()];
        chars.get(all);
        Arrays.fill(chars.array(), '\0');
        int colon = indexOf(all, ':');
        if (colon <= 0) {
            Arrays.fill(all, '\0');
            throw invalidCredentials();
        }
        String username = new String(all, 0, colon);
        char[] password = Arrays.copyOfRange(all, colon + 1, all.length);
        Arrays.fill(all, '\0');
        try {
            return authenticator.byPassword(username, password, Protocol.HTTPS, source);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static int indexOf(char[] chars, char wanted) {
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    static HttpProblem unauthorized(String message, boolean invalidToken) {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\""
                + (invalidToken ? ", error=\"invalid_token\"" : ""));
        headers.add(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        return new HttpProblem(ProblemType.UNAUTHORIZED, message, headers);
    }
}
