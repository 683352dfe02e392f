package io.vaultgate.server.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.metrics.TenantLabels;
import io.vaultgate.server.config.OpsConfig;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ops listener as the application runs it: JVM meters bound to the registry, the core's readiness
 * checks (catalog, store) followed by the application's own (front-ends listening), each logging its changes of
 * state ({@link LoggedCheck}), and the server.
 */
public final class OpsListener implements AutoCloseable {

    private final OpsServer server;
    private final JvmMeters jvm;

    private OpsListener(OpsServer server, JvmMeters jvm) {
        this.server = server;
        this.jvm = jvm;
    }

    /** The tenant-label policy {@code ops.tenant-label-limit} asks for. */
    public static TenantLabels tenantLabels(OpsConfig config) {
        return config.tenantLabelLimit() == 0 ? new TenantLabels(false, 0)
                : new TenantLabels(true, config.tenantLabelLimit());
    }

    /**
     * Starts listening; fails with the bind's {@link IOException}.
     *
     * @param tls  the TLS context when {@code ops.tls} is on
     * @param more readiness checks of the application (the catalog file, the front-ends), after the core's own
     * @param clock the status page's (its transfers in progress and recent failures); the token checks use the core's
     */
    public static OpsListener start(OpsConfig config, Optional<SslContext> tls, PrometheusMeterRegistry registry,
                                    GatewayCore core, List<ReadinessCheck> more, String version, Clock clock)
            throws IOException {
        List<ReadinessCheck> all = new ArrayList<>();
        all.add(() -> core.health().catalog());
        all.add(() -> core.health().store());
        all.addAll(more);
        // one logging wrapper per check, shared by the health endpoint, the gauge and the status report, so a
        // change of state is logged once whichever of them saw it first
        List<ReadinessCheck> checks = LoggedCheck.wrap(all);
        ServerGauges.readiness(registry, checks);
        JvmMeters jvm = JvmMeters.bindTo(registry);
        try {
            // the token checks' cache and failure window run on the core's clock, as its bans and expiries do
            OpsServer server = OpsServer.start(new OpsSettings(config.bind(), config.port(), config.tokenCache(), tls)
                            .withMaxConnections(config.maxConnections()).withIdleTimeout(config.idleTimeout()),
                    new OpsServices(registry, core.metrics()::refresh, core.authenticator(), new CoreStatus(core, checks, version, clock),
                            checks), core.nodes().clock());
            return new OpsListener(server, jvm);
        } catch (IOException | RuntimeException e) {
            jvm.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        jvm.close();
    }
}
