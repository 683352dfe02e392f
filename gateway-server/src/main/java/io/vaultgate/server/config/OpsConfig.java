package io.vaultgate.server.config;

import io.vaultgate.server.ops.OpsSettings;
import java.time.Duration;

/**
 * The ops listener ({@code ops.*}): metrics, health checks and the status page, for the people who run
 * the gateway. Plain HTTP unless {@code tls} is on, so it binds to loopback unless told otherwise.
 *
 * @param enabled           whether the ops listener starts
 * @param bind              address to listen on
 * @param port              TCP port; 0 picks a free port at start-up
 * @param tls               serve HTTPS with the gateway's own server certificate (the one of {@code https.*})
 * @param tenantLabelLimit  tenants that get their own {@code tenant} label on metrics, in the order they are
 *                          first seen; the rest share {@code tenant="other"}; 0 drops the label
 *                          ({@code tenant="all"}), so cardinality stays bounded
 * @param tokenCache        how long a monitor's or an administrator's token that passed is trusted before it is
 *                          checked (and audited) again; 0 checks every request
 * @param maxConnections    connections the listener holds open at once, from all sources together; past it a
 *                          connection is closed as it is accepted, before any TLS work or read
 * @param idleTimeout       a connection with no request in flight that receives no byte for this long is closed, so
 *                          idle kept-alive connections do not hold places of the connection caps; at most the
 *                          request-head deadline ({@link OpsSettings#REQUEST_TIMEOUT}), which closes them anyway
 */
public record OpsConfig(boolean enabled, String bind, int port, boolean tls, int tenantLabelLimit,
                        Duration tokenCache, int maxConnections, Duration idleTimeout) {

    public OpsConfig(boolean enabled, String bind, int port, boolean tls, int tenantLabelLimit, Duration tokenCache) {
        this(enabled, bind, port, tls, tenantLabelLimit, tokenCache, OpsSettings.DEFAULT_MAX_CONNECTIONS,
                OpsSettings.DEFAULT_IDLE_TIMEOUT);
    }

    public OpsConfig {
        Require.host("ops.bind", bind);
        Require.port("ops.port", port);
        Require.between("ops.tenant-label-limit", tenantLabelLimit, 0, 10_000);
        Require.between("ops.token-cache", tokenCache, Duration.ZERO, Duration.ofHours(1));
        Require.between("ops.max-connections", maxConnections, 1, 10_000);
        Require.between("ops.idle-timeout", idleTimeout, Duration.ofSeconds(1), OpsSettings.REQUEST_TIMEOUT);
    }

    public static OpsConfig defaults() {
        return new OpsConfig(true, "127.0.0.1", 9090, false, 100, Duration.ofMinutes(1));
    }
}
