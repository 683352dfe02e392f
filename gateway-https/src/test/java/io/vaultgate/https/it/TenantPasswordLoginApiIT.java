package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.session.LiveSession;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.ErrorResponses;
import io.vaultgate.https.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's password login over the admin API (uxreview F4): {@code PATCH /v1/admin/tenants/{tenant}} with
 * {@code passwordLogin} switches it, audited with the administrator; a password for an account of a tenant that
 * refuses passwords is refused as {@code 409 urn:vaultgate:problem:conflict} naming the fix; refused again, the next
 * Basic login is refused and the live password connection is ended by the session check.
 */
class TenantPasswordLoginApiIT {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path dir;

    private TestGateway gateway;
    private HttpClient http;
    private String adminToken;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir); // tenant acme, created as by default: passwords refused
        http = newClient();
        adminToken = gateway.core().incidents().administrators().add("root-admin", "cli");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void passwordOfARefusingTenant_isAConflictProblemNamingTheFix() {
        assertThatThrownBy(() -> gateway.core().administration().setPassword(TestGateway.USER, PASSWORD.toCharArray()))
                .isInstanceOfSatisfying(GatewayException.class, refused -> {
                    FullHttpResponse response = ErrorResponses.of(refused);
                    try {
                        assertThat(response.status().code()).isEqualTo(409);
                        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains(
                                "\"type\":\"urn:vaultgate:problem:conflict\"", "tenant acme does not allow password "
                                        + "login; enable it with `vaultgate tenant set acme --allow-password`",
                                "PATCH /v1/admin/tenants/acme");
                    } finally {
                        response.release();
                    }
                });
    }

    @Test
    void passwordLogin_switchedOverTheApi_isAudited_andAppliesToTheNextLoginAndToLiveConnections() throws Exception {
        HttpResponse<String> allowed = send("PATCH", "/v1/admin/tenants/acme", "{\"passwordLogin\":true}");
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(allowed.body()).contains("\"passwordLogin\":true");
        gateway.core().administration().setPassword(TestGateway.USER, PASSWORD.toCharArray());
        HttpClient alice = newClient();
        assertThat(basic(alice).statusCode()).isEqualTo(200);
        assertThat(passwordSessions()).hasSize(1);

        HttpResponse<String> refused = send("PATCH", "/v1/admin/tenants/acme", "{\"passwordLogin\":false}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(200);
        assertThat(refused.body()).contains("\"passwordLogin\":false");

        assertThat(basic(newClient()).statusCode()).as("the next login").isEqualTo(401);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!passwordSessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(passwordSessions()).as("the live password connection, ended by the session check").isEmpty();
        assertThat(audited("acme password login allowed")).isEqualTo(1);
        assertThat(audited("acme password login refused")).isEqualTo(1);
        assertThat(gateway.core().administration().tenant(TenantId.of("acme")).orElseThrow().passwordLoginAllowed())
                .isFalse();
    }

    @Test
    void badPasswordLoginField_changesNothing_andAShreddedTenantIsAConflict() throws Exception {
        HttpResponse<String> bad = send("PATCH", "/v1/admin/tenants/acme", "{\"quotaFiles\":5,\"passwordLogin\":\"yes\"}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(bad.body()).contains("passwordLogin");
        assertThat(send("GET", "/v1/admin/tenants/acme", null).body()).contains("\"passwordLogin\":false",
                "\"quotaFiles\":0");

        gateway.core().tenantShredding().shred(TenantId.of("acme"), "contract ended", "cli:test");
        HttpResponse<String> shredded = send("PATCH", "/v1/admin/tenants/acme", "{\"passwordLogin\":true}");
        assertThat(shredded.statusCode()).as(shredded.body()).isEqualTo(409);
        assertThat(shredded.body()).contains("urn:vaultgate:problem:conflict", "was shredded");
    }

    private List<LiveSession> passwordSessions() {
        return gateway.core().authenticator().access().sessions().list().stream()
                .filter(session -> session.credential().startsWith("password:")).toList();
    }

    private HttpResponse<String> basic(HttpClient client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((TestGateway.USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return client.send(HttpRequest.newBuilder(gateway.uri("/v1/files/inbox/")).header("Authorization",
                "Basic " + basic).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpClient newClient() throws Exception {
        return HttpClient.newBuilder().sslContext(gateway.tls().clientContext("TLS"))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    private long audited(String subject) throws Exception {
        Path catalog = dir.resolve("core").resolve("catalog.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM audit_events WHERE actor = ? "
                     + "AND event LIKE ?")) {
            query.setString(1, "admin:root-admin");
            query.setString(2, "%\"subject\":\"" + subject + "\"%");
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
