package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.metrics.CheckResult;
import io.vaultgate.core.testing.TestCore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} answers anyone, so one run of the readiness checks (a catalog query each) answers every
 * request for {@link HealthHandler#READY_CACHE}: a flood of anonymous requests makes no flood of catalog queries.
 * The administrator's {@code /status.json} runs the checks each time. The listener's monotonic clock is the test's.
 */
class ReadinessCacheTest {

    @TempDir
    Path home;
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger runs = new AtomicInteger();
    private volatile boolean catalogUp = true;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestCore test;
    private OpsServer server;
    private String adminToken;

    @BeforeEach
    void start() throws Exception {
        test = TestCore.create(home);
        adminToken = test.core().incidents().administrators().add("ops", "cli");
        List<ReadinessCheck> checks = List.of(() -> {
            runs.incrementAndGet();
            test.core().health().catalog();
            return catalogUp ? CheckResult.up("catalog") : CheckResult.down("catalog", "the catalog does not answer");
        });
        server = OpsServer.start(new OpsSettings("127.0.0.1", 0, Duration.ofMinutes(1)),
                new OpsServices(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> { },
                        test.core().authenticator(), new CoreStatus(test.core(), checks, "test", Clock.systemUTC()),
                        checks), Clock.systemUTC(), nanos::get);
    }

    @AfterEach
    void stop() {
        server.close();
        test.close();
    }

    @Test
    void aFloodOfAnonymousReadinessRequests_runsTheChecksOncePerPeriod_whileStatusJsonStaysFresh() throws Exception {
        for (int i = 0; i < 200; i++) {
            assertThat(get("/health/ready", false).statusCode()).isEqualTo(200);
        }
        assertThat(runs).as("200 anonymous requests within the period").hasValue(1);

        catalogUp = false;
        HttpResponse<String> status = get("/status.json", true);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).as("the administrator's view runs the checks").contains("\"up\":false");
        assertThat(runs).hasValue(2);
        assertThat(get("/health/ready", false).statusCode()).as("the answer of the period's run").isEqualTo(200);
        assertThat(runs).hasValue(2);

        nanos.addAndGet(HealthHandler.READY_CACHE.toNanos() - 1);
        assertThat(get("/health/ready", false).statusCode()).isEqualTo(200);
        nanos.addAndGet(1);
        HttpResponse<String> down = get("/health/ready", false);
        assertThat(down.statusCode()).as("a period later, the checks run again").isEqualTo(503);
        assertThat(down.body()).isEqualTo("{\"status\":\"down\",\"checks\":[{\"name\":\"catalog\",\"up\":false}]}\n");
        assertThat(runs).hasValue(3);
        for (int i = 0; i < 50; i++) {
            get("/health/ready", false);
        }
        assertThat(runs).hasValue(3);
    }

    private HttpResponse<String> get(String path, boolean asAdmin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (asAdmin) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
