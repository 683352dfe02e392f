package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.server.config.OpsConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops listener as the application starts it times its token failure window on the core's clock, not the host's:
 * the core here runs on a clock of the test's, the status page on the host's.
 */
class OpsTokenClockTest {

    @TempDir
    Path home;
    private final MutableClock coreClock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final HttpClient http = HttpClient.newHttpClient();
    private TestCore test;
    private OpsListener ops;

    @BeforeEach
    void start() throws Exception {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), coreClock);
        ops = OpsListener.start(new OpsConfig(true, "127.0.0.1", 0, false, 100, Duration.ofMinutes(1)),
                Optional.empty(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), test.core(), List.of(),
                "test", Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        if (ops != null) {
            ops.close();
        }
        if (test != null) {
            test.close();
        }
    }

    @Test
    void theTokenFailureWindow_endsWhenTheCoresClockSaysSo() throws Exception {
        for (int i = 0; i < AdminTokenFilter.MAX_FAILURES; i++) {
            assertThat(status("vg_wrong-" + i)).isEqualTo(403);
        }
        assertThat(status("vg_wrong-x")).isEqualTo(429);

        coreClock.advance(AdminTokenFilter.FAILURE_WINDOW);

        assertThat(status("vg_wrong-y")).as("checked again: the window is over on the core's clock").isEqualTo(403);
    }

    private int status(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/status.json"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
