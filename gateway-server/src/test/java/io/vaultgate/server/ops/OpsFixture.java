package io.vaultgate.server.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.metrics.CoreMetrics;
import io.vaultgate.core.metrics.TenantLabels;
import io.vaultgate.core.testing.TestCore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A real core with a Prometheus registry, and the ops listener over it on a free loopback port. */
final class OpsFixture implements AutoCloseable {

    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final TestCore test;
    final OpsServer server;
    final String adminToken;
    /** When set, refreshing the catalog gauges before a scrape throws it, as an unreachable catalog would. */
    volatile RuntimeException refreshFailure;
    private final JvmMeters jvm;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    OpsFixture(Path home) throws IOException {
        this(home, OpsSettings.REQUEST_TIMEOUT);
    }

    /** @param requestTimeout how long the listener waits for a request's head before it closes the connection */
    OpsFixture(Path home, Duration requestTimeout) throws IOException {
        this(home, requestTimeout, new GatewayCore.Settings(Duration.ofHours(24), 64));
    }

    /** A core with {@code settings}, e.g. a reorder memory small enough to be spent. */
    OpsFixture(Path home, GatewayCore.Settings settings) throws IOException {
        this(home, OpsSettings.REQUEST_TIMEOUT, settings);
    }

    private OpsFixture(Path home, Duration requestTimeout, GatewayCore.Settings settings) throws IOException {
        test = TestCore.create(home, settings, new CoreMetrics(registry, TenantLabels.defaults(), Clock.systemUTC()));
        adminToken = test.core().incidents().administrators().add("ops", "cli");
        jvm = JvmMeters.bindTo(registry);
        List<ReadinessCheck> checks = List.of(() -> test.core().health().catalog(),
                () -> test.core().health().store(), CatalogFileCheck.of(home.resolve("catalog.db")));
        ServerGauges.readiness(registry, checks);
        server = OpsServer.start(new OpsSettings("127.0.0.1", 0, Duration.ofMinutes(1))
                        .withRequestTimeout(requestTimeout),
                new OpsServices(registry, this::refreshGauges, test.core().authenticator(),
                        new CoreStatus(test.core(), checks, "test", Clock.systemUTC()), checks),
                Clock.systemUTC());
    }

    private void refreshGauges() {
        RuntimeException failure = refreshFailure;
        if (failure != null) {
            throw failure;
        }
        test.core().metrics().refresh();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path));
    }

    HttpResponse<String> getAsAdmin(String path) throws IOException, InterruptedException {
        return send(request(path).header("Authorization", "Bearer " + adminToken));
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    int port() {
        return server.port();
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        server.close();
        jvm.close();
        test.close();
    }
}
