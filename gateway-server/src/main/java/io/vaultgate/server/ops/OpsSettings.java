package io.vaultgate.server.ops;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Where the ops listener listens and how long a verified admin token is trusted before it is checked
 * (and audited) again.
 *
 * @param port       TCP port; 0 picks a free one
 * @param tokenCache how long a token that passed stays accepted without asking the catalog; 0 checks every
 *                   request (a scrape every 15 s would then write an audit event every 15 s)
 * @param tls        serve HTTPS with this context ({@link OpsTls}); empty for plain HTTP
 */
public record OpsSettings(String bind, int port, Duration tokenCache, Optional<SSLContext> tls) {

    public OpsSettings {
        Objects.requireNonNull(bind, "bind");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535; got " + port);
        }
        if (tokenCache.isNegative()) {
            throw new IllegalArgumentException("the token cache duration must not be negative");
        }
        Objects.requireNonNull(tls, "tls");
    }

    /** Plain HTTP. */
    public OpsSettings(String bind, int port, Duration tokenCache) {
        this(bind, port, tokenCache, Optional.empty());
    }

    /** Loopback, port 9090, tokens re-checked every minute. */
    public static OpsSettings defaults() {
        return new OpsSettings("127.0.0.1", 9090, Duration.ofMinutes(1));
    }

    public OpsSettings withPort(int newPort) {
        return new OpsSettings(bind, newPort, tokenCache, tls);
    }
}
