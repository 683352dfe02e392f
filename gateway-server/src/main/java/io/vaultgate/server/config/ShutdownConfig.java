package io.vaultgate.server.config;

import java.time.Duration;

/**
 * Graceful shutdown ({@code shutdown.*}).
 *
 * @param gracePeriod  after SIGTERM/SIGINT, in-flight transfers get this long to finish before they are cut
 *                     (they then stay resumable partials, never visible files); 0 stops at once
 */
public record ShutdownConfig(Duration gracePeriod) {

    public ShutdownConfig {
        Require.between("shutdown.grace-period", gracePeriod, Duration.ZERO, Duration.ofHours(1));
    }

    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(30));
    }
}
