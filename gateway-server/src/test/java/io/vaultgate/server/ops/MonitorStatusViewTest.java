package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.Quota;
import io.vaultgate.core.tenant.TenantId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /status.json} as a monitor's token reads it (review finding L5): on the gateway as {@code vaultgate run}
 * starts it, with an SFTP upload and an HTTPS download in progress and an upload of another tenant that failed, a
 * monitor's report names no file path and no login name, an administrator's names them all, and both carry the same
 * counts, tenants, protocols, sizes, ages, outbox and checks. The monitor's view holds while its token is answered
 * from the listener's token cache, and {@code /metrics} names no file or login either.
 */
class MonitorStatusViewTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String UPLOADING = "/inbox/payroll-december.csv";
    private static final String DOWNLOADING = "/inbox/salaries-2026.bin";
    private static final String FAILED = "/inbox/merger-draft.pdf";
    private static final String OTHER_TENANT = "globex";
    private static final String OTHER_ACCOUNT = "bob.smith";
    /** What a monitor must not read, whichever part of the report it would be in. */
    private static final List<String> SECRETS = List.of(UPLOADING, DOWNLOADING, FAILED, "payroll", "salaries",
            "merger", "/inbox", RunningGateway.ACCOUNT, OTHER_ACCOUNT);

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient ops = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path home;

    @Test
    void aMonitorsStatus_hidesPathsAndLoginNames_andKeepsEveryFigureOfTheAdministrators() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.token-cache", "1m"))) {
            String monitor = gateway.app.core().incidents().monitors().add("prometheus", "test");
            failAnUploadOfAnotherTenant(gateway);
            assertThat(gateway.put(DOWNLOADING, new byte[200_000])).isEqualTo(201);
            try (Upload upload = gateway.app.core().ingest().open(gateway.alice(Protocol.SFTP),
                    PathPolicy.parse(UPLOADING), UploadMode.CREATE);
                 FileContent download = gateway.app.core().files().open(gateway.alice(Protocol.HTTPS),
                         PathPolicy.parse(DOWNLOADING))) {
                upload.write(0, ByteBuffer.wrap(new byte[1024 * 1024]));
                download.read(0, ByteBuffer.allocate(100_000));

                String full = status(gateway, gateway.adminToken);
                String restricted = status(gateway, monitor);

                assertThat(restricted).as("a monitor's view").doesNotContain(SECRETS)
                        .contains("\"view\":\"monitor\"", "\"path\":\"(hidden)\"", "\"principal\":\"(hidden)\"");
                assertThat(full).as("an administrator's view").contains(UPLOADING, DOWNLOADING, FAILED,
                        "\"principal\":\"" + RunningGateway.ACCOUNT + "\"", "\"principal\":\"" + OTHER_ACCOUNT + "\"",
                        "\"view\":\"administrator\"");
                JsonNode admin = json.readTree(full);
                JsonNode seen = json.readTree(restricted);
                assertThat(admin.path("transfers")).hasSize(2);
                assertThat(admin.path("recentFailures")).hasSize(1);
                assertThat(admin.path("activeUploads").asInt()).isEqualTo(1);
                assertThat(withoutMoment(seen)).as("the admin's report, its paths and login names hidden")
                        .isEqualTo(withoutMoment(hidden(admin)));
                assertThat(seen.path("connections").properties()).extracting(Map.Entry::getKey)
                        .containsExactlyInAnyOrderElementsOf(admin.path("connections").properties().stream()
                                .map(Map.Entry::getKey).toList());

                HttpResponse<String> metrics = get(gateway, "/metrics", monitor);
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).as("no metric label names a file or a login")
                        .contains("vaultgate_transfers_started_total{", "tenant=\"acme\"").doesNotContain(SECRETS);
                upload.commit();
            }
        }
    }

    @Test
    void aMonitorsTokenAnsweredFromTheCache_stillGetsTheMonitorsView() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.token-cache", "1m"))) {
            String monitor = gateway.app.core().incidents().monitors().add("prometheus", "test");
            failAnUploadOfAnotherTenant(gateway);
            try (Upload upload = gateway.app.core().ingest().open(gateway.alice(Protocol.SFTP),
                    PathPolicy.parse(UPLOADING), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[64 * 1024]));
                assertThat(status(gateway, monitor)).doesNotContain(SECRETS).contains("\"view\":\"monitor\"");
                assertThat(status(gateway, gateway.adminToken)).contains(UPLOADING, FAILED);

                // removed: only the cache still admits its token, for the rest of ops.token-cache
                gateway.app.core().incidents().monitors().remove("prometheus", "retired", "test");
                String cached = status(gateway, monitor);

                assertThat(cached).as("the monitor's view, from the cache").doesNotContain(SECRETS)
                        .contains("\"view\":\"monitor\"", "\"path\":\"(hidden)\"");
                assertThat(status(gateway, gateway.adminToken)).as("the administrator's, from the cache too")
                        .contains(UPLOADING, FAILED, "\"view\":\"administrator\"");
                upload.commit();
            }
        }
    }

    /** {@code bob.smith} of tenant {@code globex} uploads {@link #FAILED} over its quota: a recent failure. */
    private static void failAnUploadOfAnotherTenant(RunningGateway gateway) throws Exception {
        TenantId tenant = TenantId.of(OTHER_TENANT);
        gateway.app.core().administration().createTenant(tenant, "Globex", false);
        gateway.app.core().administration().createAccount(tenant, OTHER_ACCOUNT);
        String token = gateway.app.core().administration().issueAccountToken(OTHER_ACCOUNT, "test");
        gateway.app.core().administration().setQuota(tenant, new Quota(1_000, 0));
        int status = gateway.https.send(HttpRequest.newBuilder(gateway.files(FAILED)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[5_000]))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertThat(status).isGreaterThanOrEqualTo(400);
    }

    /** {@code report} with every transfer's path and login name as a monitor reads them. */
    private static JsonNode hidden(JsonNode report) {
        ObjectNode copy = report.deepCopy();
        copy.withArray("transfers").forEach(MonitorStatusViewTest::hide);
        copy.withArray("recentFailures").forEach(failure -> hide(failure.path("transfer")));
        copy.put("view", "monitor");
        return copy;
    }

    private static void hide(JsonNode transfer) {
        ((ObjectNode) transfer).put("path", "(hidden)").put("principal", "(hidden)");
    }

    /** Without what changes from one request to the next: the time and the connections of the HTTPS client. */
    private static JsonNode withoutMoment(JsonNode report) {
        ObjectNode copy = report.deepCopy();
        copy.remove(List.of("now", "connections"));
        return copy;
    }

    private String status(RunningGateway gateway, String token) throws Exception {
        HttpResponse<String> response = get(gateway, "/status.json", token);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private HttpResponse<String> get(RunningGateway gateway, String path, String token) throws Exception {
        return ops.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.opsPort() + path))
                .timeout(TIMEOUT).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
