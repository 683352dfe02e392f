package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Account;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ops listener as {@code vaultgate run} starts it: beside the front-ends, over the same core. */
class OpsApplicationTest {

    @TempDir
    Path home;
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void runningGateway_isReady_andServesItsMetricsToTheAdmin() throws Exception {
        try (VaultgateApplication app = VaultgateApplication.start(config(Map.of()), Map.of())) {
            int port = app.opsPort().orElseThrow();
            String token = Files.readString(app.dataDirectory().adminTokenFile()).strip();

            HttpResponse<String> ready = get(port, "/health/ready", Optional.empty());
            HttpResponse<String> metrics = get(port, "/metrics", Optional.of(token));

            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            assertThat(ready.body()).contains("\"catalog\"", "\"store\"", "\"sftp\"", "\"https\"");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("vaultgate_uploads_active 0.0", "vaultgate_sftp_connections_open",
                    "jvm_threads_live_threads", "vaultgate_storage_usable_bytes ",
                    "vaultgate_certificate_expiry_seconds{certificate=\"https\"}",
                    "vaultgate_ready{check=\"catalog-file\"} 1.0");
        }
    }

    @Test
    void gatewayShuttingDown_isNotReady_whileRunningUploadsDrain() throws Exception {
        VaultgateApplication app = VaultgateApplication.start(config(Map.of()), Map.of());
        int port = app.opsPort().orElseThrow();
        app.core().administration().createTenant(TenantId.of("acme"), "Acme", false);
        Account account = app.core().administration().createAccount(TenantId.of("acme"), "alice");
        ClientPrincipal alice = new ClientPrincipal(account.id(), "alice", TenantId.of("acme"), Protocol.SFTP);
        Upload upload = app.core().ingest().open(alice, PathPolicy.parse("/inbox/a"), UploadMode.CREATE);
        Thread stopper = new Thread(app::close);
        stopper.start();
        try {
            HttpResponse<String> ready = get(port, "/health/ready", Optional.empty());
            for (int i = 0; i < 100 && ready.statusCode() == 200; i++) {
                Thread.sleep(50);
                ready = get(port, "/health/ready", Optional.empty());
            }

            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("{\"name\":\"accepting\",\"up\":false}")
                    .as("the reason is logged, not shown to anyone who asks").doesNotContain("shutting down");
        } finally {
            upload.commit();
            stopper.join(30_000);
        }
    }

    @Test
    void opsListenerWithTls_servesHttpsWithTheGatewaysCertificate() throws Exception {
        try (VaultgateApplication app = VaultgateApplication.start(config(Map.of("ops.tls", "true")), Map.of())) {
            int port = app.opsPort().orElseThrow();
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(StatusClient.trusting(app.dataDirectory().caCertificate()))
                    .build();

            HttpResponse<String> live = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/health/live")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.sslSession()).hasValueSatisfying(session ->
                    assertThat(session.getProtocol()).isIn("TLSv1.3", "TLSv1.2"));
            assertThatThrownBy(() -> get(port, "/health/live", Optional.empty()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void opsListener_canBeSwitchedOff() throws Exception {
        try (VaultgateApplication app = VaultgateApplication.start(config(Map.of("ops.enabled", "false")),
                Map.of())) {
            assertThat(app.opsPort()).isEmpty();
        }
    }

    private VaultgateConfig config(Map<String, String> extra) {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of("home", home.toString(),
                "sftp.bind", "127.0.0.1", "sftp.port", "0", "https.bind", "127.0.0.1", "https.port", "0",
                "ops.port", "0"));
        overrides.putAll(extra);
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), overrides);
        TestKeystore.seed(config);
        return config;
    }

    private HttpResponse<String> get(int port, String path, Optional<String> token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
