package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.https.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/admin/tenants} for a tenant an older gateway left half-created (its row, no recorded KEK version):
 * its completion creates nothing, so it answers 200, not 201, with the tenant and what was recorded
 * ({@code completed}); a stated name or password login other than the recorded one is refused with 409 naming the
 * field, changing nothing; {@code maxFileBytes} is applied (review22c). Over real TLS.
 */
class TenantCompletionApiIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private HttpClient http;
    private String adminToken;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        http = HttpClient.newBuilder().sslContext(gateway.tls().clientContext("TLS"))
                .version(HttpClient.Version.HTTP_1_1).build();
        adminToken = gateway.core().incidents().administrators().add("root-admin", "cli");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aHalfCreatedTenant_isCompletedWith200_itsRecordedSettingsKept_orTheRequestRefusedNamingTheField()
            throws Exception {
        HttpResponse<String> created = post("{\"id\":\"globex\",\"name\":\"Globex\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("completed");
        catalog("DELETE FROM kek_versions WHERE kek_tenant = 'globex'");

        HttpResponse<String> renamed = post("{\"id\":\"globex\",\"name\":\"Other\",\"passwordLogin\":true}");

        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(409);
        assertThat(renamed.body()).contains("name \\\"Other\\\" is not its recorded name \\\"Globex\\\"",
                "passwordLogin asks password login allowed, recorded refused");
        assertThat(catalog("SELECT COUNT(*) FROM kek_versions WHERE kek_tenant = 'globex'")).isZero();

        HttpResponse<String> completed = post("{\"id\":\"globex\",\"name\":\"Globex\",\"maxFileBytes\":4096}");

        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        assertThat(completed.body()).contains("\"name\":\"Globex\"", "\"maxFileBytes\":4096", "\"completed\":"
                + "\"globex KEK version 1 recorded, completing its interrupted creation (this node's key)\"");
        assertThat(catalog("SELECT COUNT(*) FROM kek_versions WHERE kek_tenant = 'globex'")).isEqualTo(1);
        HttpResponse<String> again = post("{\"id\":\"globex\"}");
        assertThat(again.statusCode()).as("complete now: refused as existing").isEqualTo(409);
        assertThat(again.body()).contains("tenant globex already exists");
    }

    private HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri("/v1/admin/tenants"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code sql} on the gateway's SQLite catalog: an update's count, or a query's one number. */
    private long catalog(String sql) throws Exception {
        Path catalog = dir.resolve("core").resolve("catalog.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement statement = connection.prepareStatement(sql)) {
            if (!statement.execute()) {
                return statement.getUpdateCount();
            }
            try (ResultSet rows = statement.getResultSet()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
