package io.vaultgate.server.ops;

import io.vaultgate.core.metrics.CheckResult;

/** One thing the gateway needs to serve traffic; checked on every {@code /health/ready} request. */
@FunctionalInterface
public interface ReadinessCheck {

    /** Must not throw; a failure is a {@link CheckResult#down} with a reason safe to show operators. */
    CheckResult check();
}
