package io.vaultgate.core.auth;

import java.util.Objects;

/**
 * A monitoring system (Prometheus): reads the ops listener's {@code /metrics} and {@code /status.json}, nothing else.
 * Only {@link Authenticator#byOpsToken} yields one; every front-end's login refuses a monitor's token
 * ({@link AuthFailure#MONITOR_ONLY}), so no file, operator or admin API code ever sees this principal.
 */
public record MonitorPrincipal(String name) implements Principal {
    public MonitorPrincipal {
        Objects.requireNonNull(name, "name");
    }
}
