package io.vaultgate.https.receiver;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.crypto.seal.SitePrivateKey;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a site receiver needs: the id of the site it serves (a receiver serves exactly one: it takes only that
 * site's forwarder certificate and files sent for that site, and opens sealed data keys bound to that id), where to
 * listen, where files go, which CA's client certificates it accepts (the gateway's forwarding CA, given to the site
 * by the gateway's admin), the largest file it takes, how long a silent connection is kept (also the longest a
 * request's head may take to arrive, from the connection's start or the previous answer), and optionally the
 * forwarding CA's CRLs (then revocation is checked and fails closed: a client certificate whose issuer has no current
 * CRL here is refused), and optionally the site's X25519 private key, which opens sealed forwards (its
 * {@code toString} is redacted).
 *
 * <p>{@code minBodyBytesPerSecond}: once a body has been waited for {@code idleTimeout}, it must have arrived at
 * this average rate (counted over the time the receiver waited for it), else it is answered {@code 408} and the
 * connection ends; 0 turns the check off. Default {@value #DEFAULT_MIN_BODY_BYTES_PER_SECOND}, far below what the
 * gateway itself expects of a transfer (its request deadline assumes 256 KiB/s).
 *
 * <p>{@code maxConnectionsPerAddress}: connections one client IP address may hold open at once; more are closed as
 * soon as they are accepted, before the TLS handshake (which an unauthenticated peer could otherwise force without
 * limit). Default {@value #DEFAULT_MAX_CONNECTIONS_PER_ADDRESS}, the gateway HTTPS listener's default; a gateway
 * node sends at most its site's {@code max-concurrency} files at once, each on a connection of its own.
 */
public record ReceiverSettings(String site, InetSocketAddress listen, Path drop, List<X509Certificate> clientCas,
                               long maxFileBytes, Duration idleTimeout, RevocationLists clientCrls,
                               Optional<SitePrivateKey> siteKey, long minBodyBytesPerSecond,
                               int maxConnectionsPerAddress) {

    /** A body slower than this on average (bytes per second) is cut off, as on the gateway's HTTPS listener. */
    public static final long DEFAULT_MIN_BODY_BYTES_PER_SECOND = 1024;
    /** Connections one client address may hold open, as on the gateway's HTTPS listener. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;

    /** Without revocation lists. */
    public ReceiverSettings(String site, InetSocketAddress listen, Path drop, List<X509Certificate> clientCas,
                            long maxFileBytes, Duration idleTimeout) {
        this(site, listen, drop, clientCas, maxFileBytes, idleTimeout, List.of());
    }

    /** Without a site key: sealed forwards are refused. */
    public ReceiverSettings(String site, InetSocketAddress listen, Path drop, List<X509Certificate> clientCas,
                            long maxFileBytes, Duration idleTimeout, List<X509CRL> clientCrls) {
        this(site, listen, drop, clientCas, maxFileBytes, idleTimeout, RevocationLists.fixed(clientCrls));
    }

    /** Without a site key, with CRLs that may change while the receiver runs ({@link CrlFiles}). */
    public ReceiverSettings(String site, InetSocketAddress listen, Path drop, List<X509Certificate> clientCas,
                            long maxFileBytes, Duration idleTimeout, RevocationLists clientCrls) {
        this(site, listen, drop, clientCas, maxFileBytes, idleTimeout, clientCrls, Optional.empty(),
                DEFAULT_MIN_BODY_BYTES_PER_SECOND, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }

    /** The same receiver, opening sealed forwards with {@code key}. */
    public ReceiverSettings withSiteKey(SitePrivateKey key) {
        return new ReceiverSettings(site, listen, drop, clientCas, maxFileBytes, idleTimeout, clientCrls,
                Optional.of(key), minBodyBytesPerSecond, maxConnectionsPerAddress);
    }

    /** The same receiver, cutting off bodies slower than {@code bytesPerSecond} (0: never). */
    public ReceiverSettings withMinBodyRate(long bytesPerSecond) {
        return new ReceiverSettings(site, listen, drop, clientCas, maxFileBytes, idleTimeout, clientCrls, siteKey,
                bytesPerSecond, maxConnectionsPerAddress);
    }

    /** The same receiver, closing a client address's connections beyond {@code connections} before TLS. */
    public ReceiverSettings withMaxConnectionsPerAddress(int connections) {
        return new ReceiverSettings(site, listen, drop, clientCas, maxFileBytes, idleTimeout, clientCrls, siteKey,
                minBodyBytesPerSecond, connections);
    }

    public ReceiverSettings {
        requireSiteId(site);
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(drop, "drop");
        Objects.requireNonNull(siteKey, "siteKey");
        clientCas = List.copyOf(clientCas);
        Objects.requireNonNull(clientCrls, "clientCrls");
        if (clientCas.isEmpty()) {
            throw new IllegalArgumentException("--client-ca: give the PEM certificate of the gateway CA; "
                    + "the receiver accepts no connection without it");
        }
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("the maximum file size must be positive, got " + maxFileBytes);
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("the idle timeout must be positive, got " + idleTimeout);
        }
        if (minBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("--min-body-rate: must be 0 (off) or a positive size per second, got "
                    + minBodyBytesPerSecond);
        }
        if (maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("--max-connections-per-ip: must be at least 1, got "
                    + maxConnectionsPerAddress);
        }
    }

    /** {@code site} if it is a site id (the tenant id form, as the gateway's site ids); else why not. */
    public static String requireSiteId(String site) {
        try {
            return TenantId.of(Objects.requireNonNull(site, "site")).value();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--site " + site + ": " + e.getMessage() + "; give the id of the "
                    + "site this receiver serves, as registered at the gateway (vaultgate site add SITE)");
        }
    }

    /** No size limit to speak of (1 TiB) and a 60 s idle timeout. */
    public static ReceiverSettings of(String site, InetSocketAddress listen, Path drop,
                                      List<X509Certificate> clientCas) {
        return new ReceiverSettings(site, listen, drop, clientCas, 1L << 40, Duration.ofSeconds(60));
    }
}
