package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server scrapes a running gateway's ops listener, with the alert rules of
 * {@code deploy/prometheus} loaded; after a scripted workload over HTTPS its query API returns exactly what
 * was transferred.
 *
 * <p>Prometheus starts once the workload is done: the catalog gauges (the tenant's files and stored bytes) are
 * re-read at a scrape at most every 10 s, so a scrape before the uploads would leave the test waiting up to 10 s
 * for the next refresh.
 */
class PrometheusScrapeIT {

    private static final int[] SIZES = {1_000, 70_000, 200_003};

    @TempDir
    Path home;
    @TempDir
    Path prometheusDir;

    @Test
    void prometheusQueryApi_returnsExactlyWhatWasTransferred() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            long uploaded = 0;
            Random random = new Random(8);
            for (int i = 0; i < SIZES.length; i++) {
                byte[] body = new byte[SIZES[i]];
                random.nextBytes(body);
                assertThat(gateway.put("/inbox/file-" + i + ".bin", body)).isEqualTo(201);
                uploaded += body.length;
            }
            HttpResponse<byte[]> download = gateway.get("/inbox/file-1.bin", gateway.clientToken);
            HttpResponse<byte[]> refused = gateway.get("/inbox/file-1.bin", "not-a-token");

            assertThat(download.body()).hasSize(SIZES[1]);
            assertThat(refused.statusCode()).isEqualTo(401);
            try (PrometheusServer prometheus = PrometheusServer.start(prometheusDir, gateway.opsPort(),
                    gateway.adminTokenFile())) {
                assertThat(prometheus.awaitValue("up{job=\"vaultgate\"}", 1)).as("the scrape succeeds")
                        .isEqualTo(1);
                assertScraped(prometheus, uploaded);
            }
        }
    }

    /** What Prometheus's query API returns after the workload: exactly what was transferred. */
    private static void assertScraped(PrometheusServer prometheus, long uploaded) throws Exception {
        String https = "protocol=\"https\",tenant=\"acme\"";
        assertThat(prometheus.awaitValue("vaultgate_transfer_bytes_total{" + https + ",direction=\"in\"}", uploaded))
                .isEqualTo(uploaded);
        assertThat(prometheus.awaitValue("vaultgate_transfers_total{" + https
                + ",direction=\"in\",outcome=\"committed\"}", SIZES.length)).isEqualTo(SIZES.length);
        assertThat(prometheus.awaitValue("vaultgate_transfers_started_total{" + https + ",direction=\"in\"}",
                SIZES.length)).isEqualTo(SIZES.length);
        assertThat(prometheus.awaitValue("vaultgate_transfer_bytes_total{" + https + ",direction=\"out\"}",
                SIZES[1])).isEqualTo(SIZES[1]);
        assertThat(prometheus.awaitValue("vaultgate_transfers_total{" + https
                + ",direction=\"out\",outcome=\"completed\"}", 1)).isEqualTo(1);
        assertThat(prometheus.awaitValue("sum(vaultgate_transfer_size_bytes_count{protocol=\"https\","
                + "direction=\"in\"})", SIZES.length)).isEqualTo(SIZES.length);
        assertThat(prometheus.awaitValue("sum(vaultgate_auth_failures_total{protocol=\"https\"})", 1))
                .isEqualTo(1);
        assertThat(prometheus.awaitValue("vaultgate_tenant_stored_bytes{tenant=\"acme\"}", uploaded))
                .isEqualTo(uploaded);
        assertThat(prometheus.awaitValue("vaultgate_tenant_files{tenant=\"acme\"}", SIZES.length))
                .isEqualTo(SIZES.length);
        assertThat(prometheus.awaitValue("vaultgate_uploads_active", 0)).isEqualTo(0);
        assertThat(prometheus.awaitValue("min(vaultgate_ready)", 1)).as("every readiness check").isEqualTo(1);
    }

    @Test
    void everyAlertRule_loadsAndEvaluatesAgainstTheGatewaysSeries() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of());
             PrometheusServer prometheus = PrometheusServer.start(prometheusDir, gateway.opsPort(),
                     gateway.adminTokenFile())) {
            assertThat(prometheus.awaitValue("up{job=\"vaultgate\"}", 1)).isEqualTo(1);
            List<String> unevaluated = List.of("x");
            List<String> broken = new ArrayList<>();
            for (int i = 0; i < 40 && !unevaluated.isEmpty(); i++) {
                Thread.sleep(250);
                unevaluated = new ArrayList<>();
                broken = new ArrayList<>();
                for (JsonNode group : prometheus.api("rules").path("data").path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        String name = rule.path("name").asText();
                        if (rule.path("lastEvaluation").asText().startsWith("0001-")) {
                            unevaluated.add(name);
                        } else if (!"ok".equals(rule.path("health").asText())) {
                            broken.add(name + ": " + rule.path("lastError").asText());
                        }
                    }
                }
            }

            assertThat(unevaluated).as("rules not yet evaluated").isEmpty();
            assertThat(broken).as("rules that fail to evaluate").isEmpty();
            JsonNode firing = prometheus.api("alerts").path("data").path("alerts");
            assertThat(firing.toString()).as("a healthy, idle gateway fires no alert").doesNotContain("\"firing\"");
        }
    }
}
