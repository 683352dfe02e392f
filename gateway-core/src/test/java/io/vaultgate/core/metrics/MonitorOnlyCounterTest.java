package io.vaultgate.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vaultgate_auth_failures_total{protocol="https",reason="monitor_only"}} exists at 0 before any monitor's token
 * is misused, so that the alert's {@code increase()} sees the first one (a counter born at 1 shows no increase).
 */
class MonitorOnlyCounterTest {

    @TempDir
    Path home;

    @Test
    void monitorOnly_isRegisteredAtZero_andCountsAMonitorsTokenTriedOnTheFrontEnd() {
        MeterRegistry registry = new SimpleMeterRegistry();
        try (TestCore test = TestCore.create(home, new CoreMetrics(registry, TenantLabels.defaults(),
                Clock.systemUTC()))) {
            Counter refused = registry.find("vaultgate.auth.failures").tags("protocol", "https", "reason",
                    "monitor_only").counter();
            assertThat(refused).as("registered before the first refusal").isNotNull();
            assertThat(refused.count()).isZero();

            String token = test.core().incidents().monitors().add("prometheus", "test");
            assertThat(test.core().authenticator().byToken(token, Protocol.HTTPS, "192.0.2.7"))
                    .isEqualTo(new AuthResult.Failure("prometheus", AuthFailure.MONITOR_ONLY));

            assertThat(refused.count()).isEqualTo(1);
        }
    }
}
