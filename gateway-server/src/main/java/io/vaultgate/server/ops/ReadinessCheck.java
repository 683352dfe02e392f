package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;

/**
 * One thing the gateway needs to serve traffic; checked on every {@code /health/ready} request, every scrape of
 * {@code vaultgate_ready} and every status report, so a check that writes (the core's store probe) must limit
 * how often it does.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /**
     * Must not throw; a failure is a {@link CheckResult#down} with a reason for operators: it is logged and shown
     * to administrators, never to the unauthenticated {@code /health/ready}.
     */
    CheckResult check();
}
