package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.audit.ShreddingRecords;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.admin.AdminServices;
import io.vaultgate.https.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /v1/admin/tenants/{tenant}/shred} over real TLS: offboarding a tenant answers its signed record. */
class TenantShredIT {

    @TempDir
    Path dir;

    private TestCore core;
    private HttpsServer server;
    private HttpClient http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (core != null) {
            core.close();
        }
    }

    @Test
    void anAdminShredsATenant_theAnswerCarriesARecordThatVerifies_andTheTenantIsGoneForGood() throws Exception {
        start();
        String admin = core.core().incidents().administrators().add("root-admin", "cli");
        core.client("acme", "alice", Protocol.HTTPS);
        String alice = core.core().administration().issueAccountToken("alice", "test");
        assertThat(send(alice, "PUT", "/v1/files/inbox/payroll.csv", "salaries").statusCode()).isEqualTo(201);

        HttpResponse<String> mismatch = send(admin, "POST", "/v1/admin/tenants/acme/shred",
                "{\"reason\":\"contract ended\",\"confirm\":\"acme-corp\"}");
        assertThat(mismatch.statusCode()).as(mismatch.body()).isEqualTo(400);
        assertThat(mismatch.body()).contains("confirm", "nothing was changed");
        assertThat(send(alice, "GET", "/v1/files/inbox/payroll.csv", null).body()).isEqualTo("salaries");
        assertThat(send(admin, "POST", "/v1/admin/tenants/acme/shred", "{\"reason\":\"contract ended\"}")
                .statusCode()).as("confirm is required").isEqualTo(400);
        assertThat(send(admin, "POST", "/v1/admin/tenants/nobody/shred",
                "{\"reason\":\"x\",\"confirm\":\"nobody\"}").statusCode()).isEqualTo(404);
        assertThat(send(alice, "POST", "/v1/admin/tenants/acme/shred",
                "{\"reason\":\"x\",\"confirm\":\"acme\"}").statusCode()).as("a client").isEqualTo(403);

        HttpResponse<String> shredded = send(admin, "POST", "/v1/admin/tenants/acme/shred",
                "{\"reason\":\"contract ended\",\"confirm\":\"acme\"}");

        assertThat(shredded.statusCode()).as(shredded.body()).isEqualTo(200);
        assertThat(shredded.body()).contains("\"status\":\"SHREDDED\"", "\"keys\":[\"acme/v1\"]",
                "\"filesForgotten\":1");
        String text = field(shredded.body(), "record").replace("\\n", "\n");
        SignedShreddingRecord record = SignedShreddingRecord.parse(text);
        assertThat(record.record().actor()).isEqualTo("admin:root-admin");
        assertThat(ShreddingRecords.verify(record, AuditKeys.readPublicKey(AuditKeys.publicKeyFile(
                core.home().resolve("audit-signing.key"))))).isTrue();
        assertThat(field(shredded.body(), "digest")).isEqualTo(ShreddingRecords.digest(record));

        assertThat(send(alice, "GET", "/v1/files/inbox/payroll.csv", null).statusCode())
                .as("its credentials are gone").isEqualTo(401);
        HttpResponse<String> unlock = send(admin, "POST", "/v1/admin/tenants/acme/unlock", "{\"reason\":\"oops\"}");
        assertThat(unlock.statusCode()).isEqualTo(409);
        assertThat(unlock.body()).contains("was shredded");
        assertThat(send(admin, "PATCH", "/v1/admin/tenants/acme", "{\"quotaFiles\":5}").statusCode()).isEqualTo(409);
        assertThat(send(admin, "GET", "/v1/admin/tenants/acme", null).body()).contains("\"status\":\"SHREDDED\"");
    }

    private void start() throws Exception {
        core = TestCore.create(Files.createDirectories(dir.resolve("core")));
        TestTls tls = TestTls.create(dir);
        GatewayCore gateway = core.core();
        server = HttpsServer.start(HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0),
                new HttpsServices(gateway.authenticator(), gateway.files(), gateway.ingest(), gateway.batches(),
                        gateway.receipts()).withAdmin(AdminServices.of(gateway)));
        http = HttpClient.newBuilder().sslContext(tls.clientContext("TLS")).version(HttpClient.Version.HTTP_1_1).build();
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
