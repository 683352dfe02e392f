package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.https.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The administrators' API over real TLS: what an admin can set up, and what everyone else cannot. */
class AdminApiIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private HttpClient http;
    private String adminToken;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
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
    void anAdmin_setsUpATenantEndToEnd_andTheNewAccountCanUpload_andTheAuditNamesTheAdmin() throws Exception {
        long setUpByCli = auditedBy("cli");
        HttpResponse<String> tenant = send(adminToken, "POST", "/v1/admin/tenants",
                "{\"id\":\"globex\",\"name\":\"Globex Corp\"}");
        assertThat(tenant.statusCode()).as(tenant.body()).isEqualTo(201);
        assertThat(tenant.body()).contains("\"id\":\"globex\"", "\"status\":\"ACTIVE\"", "\"passwordLogin\":false");

        HttpResponse<String> changed = send(adminToken, "PATCH", "/v1/admin/tenants/globex",
                "{\"quotaBytes\":1048576,\"retentionDays\":30,\"allowedSources\":[\"127.0.0.0/8\"]}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"quotaBytes\":1048576", "\"retentionDays\":30", "127.0.0.0/8");

        HttpResponse<String> account = send(adminToken, "POST", "/v1/admin/tenants/globex/accounts",
                "{\"username\":\"gina\",\"sshKeys\":[\"" + ed25519Line() + "\"]}");
        assertThat(account.statusCode()).as(account.body()).isEqualTo(201);
        assertThat(send(adminToken, "GET", "/v1/admin/tenants/globex/accounts", null).body())
                .contains("\"username\":\"gina\"");

        HttpResponse<String> issued = send(adminToken, "POST", "/v1/admin/accounts/gina/tokens", "{\"label\":\"ci\"}");
        // a new secret in the body: no cache or proxy may keep it (as for POST /v1/auth/token)
        assertThat(issued.headers().firstValue("cache-control")).contains("no-store");
        assertThat(issued.statusCode()).isEqualTo(201);
        String ginaToken = field(issued.body(), "token");
        assertThat(send(ginaToken, "PUT", "/v1/files/inbox/hello.txt", "hello").statusCode()).isEqualTo(201);
        assertThat(send(ginaToken, "GET", "/v1/files/inbox/hello.txt", null).body()).isEqualTo("hello");

        assertThat(send(adminToken, "POST", "/v1/admin/sites", "{\"id\":\"manila\"}").statusCode()).isEqualTo(201);
        assertThat(send(adminToken, "POST", "/v1/admin/sites/manila/operators", "{\"username\":\"maria\"}")
                .statusCode()).isEqualTo(201);
        HttpResponse<String> endless = send(adminToken, "POST", "/v1/admin/tenants/globex/routes",
                "{\"site\":\"manila\",\"mode\":\"pull\",\"idleCloseSeconds\":9223372036854775807}");
        assertThat(endless.statusCode()).as("an idle close that overflows a date").isEqualTo(400);
        assertThat(endless.body()).contains("idleCloseSeconds");
        HttpResponse<String> route = send(adminToken, "POST", "/v1/admin/tenants/globex/routes",
                "{\"site\":\"manila\",\"mode\":\"pull\",\"maxFiles\":10}");
        assertThat(route.statusCode()).as(route.body()).isEqualTo(201);
        assertThat(send(adminToken, "GET", "/v1/admin/tenants/globex/routes", null).body())
                .contains("\"site\":\"manila\"", "\"mode\":\"pull\"", "\"prefix\":\"/inbox\"");
        String routeId = field(route.body(), "id");
        HttpResponse<String> foreign = send(adminToken, "DELETE", "/v1/admin/tenants/acme/routes/" + routeId, null);
        assertThat(foreign.statusCode()).as("another tenant's route").isEqualTo(404);
        HttpResponse<String> removed = send(adminToken, "DELETE", "/v1/admin/tenants/globex/routes/" + routeId, null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
        assertThat(removed.headers().firstValue("content-length")).as("a 204 has no length").isEmpty();
        assertThat(send(adminToken, "GET", "/v1/admin/tenants/globex/routes", null).body()).doesNotContain(routeId);
        assertThat(send(adminToken, "DELETE", "/v1/admin/tenants/globex/routes/" + routeId, null).statusCode())
                .as("already removed").isEqualTo(404);

        HttpResponse<String> rotated = send(adminToken, "POST", "/v1/admin/tenants/globex/keys/rotate",
                "{\"rewrap\":true}");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.body()).contains("\"kekVersion\":2", "\"rewrapped\":1");
        assertThat(send(ginaToken, "GET", "/v1/files/inbox/hello.txt", null).body()).isEqualTo("hello");

        assertThat(auditedBy("admin:root-admin")).isGreaterThanOrEqualTo(8);
        assertThat(auditedBy("cli")).as("nothing done over the API is attributed to the CLI").isEqualTo(setUpByCli);
    }

    @Test
    void maxFileBytes_isSetOverTheApi_andRefusesALargerUpload() throws Exception {
        HttpResponse<String> created = send(adminToken, "POST", "/v1/admin/tenants",
                "{\"id\":\"initech\",\"maxFileBytes\":4096}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).contains("\"maxFileBytes\":4096");

        assertThat(send(adminToken, "PATCH", "/v1/admin/tenants/acme", "{\"maxFileBytes\":-1,\"quotaFiles\":5}")
                .statusCode()).as("a negative size").isEqualTo(400);
        HttpResponse<String> endless = send(adminToken, "PATCH", "/v1/admin/tenants/acme",
                "{\"retentionDays\":9223372036854775807,\"quotaFiles\":5}");
        assertThat(endless.statusCode()).as(endless.body()).isEqualTo(400);
        assertThat(endless.body()).contains("retentionDays", "36500");
        HttpResponse<String> changed = send(adminToken, "PATCH", "/v1/admin/tenants/acme", "{\"maxFileBytes\":10}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"maxFileBytes\":10", "\"quotaFiles\":0");

        HttpResponse<String> tooLarge = send(gateway.token(), "PUT", "/v1/files/inbox/eleven.txt", "eleven byte");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("payload-too-large", "10 bytes");
        assertThat(send(gateway.token(), "PUT", "/v1/files/inbox/ten.txt", "ten bytes!").statusCode()).isEqualTo(201);
    }

    @Test
    void lockdownOverTheApi_refusesTheTenantsLogins_untilUnlocked() throws Exception {
        assertThat(send(gateway.token(), "GET", "/v1/files/inbox/", null).statusCode()).isEqualTo(200);

        HttpResponse<String> locked = send(adminToken, "POST", "/v1/admin/tenants/acme/lockdown",
                "{\"reason\":\"suspected key leak\"}");
        assertThat(locked.statusCode()).as(locked.body()).isEqualTo(200);
        assertThat(locked.body()).contains("\"status\":\"LOCKED\"", "\"sessionsEnded\":");
        http = newClient(); // the lockdown ended the tenant's connections: a client reconnects
        assertThat(send(gateway.token(), "GET", "/v1/files/inbox/", null).statusCode()).isIn(401, 403);
        assertThat(gateway.core().incidents().lockdown().lockdownOf(gateway.principal().tenant()))
                .hasValueSatisfying(lockdown -> {
                    assertThat(lockdown.actor()).isEqualTo("admin:root-admin");
                    assertThat(lockdown.reason()).isEqualTo("suspected key leak");
                });

        assertThat(send(adminToken, "POST", "/v1/admin/tenants/acme/unlock", null).statusCode())
                .as("the reason is required").isEqualTo(400);
        assertThat(send(adminToken, "POST", "/v1/admin/tenants/acme/unlock", "{\"reason\":\"keys rotated\"}")
                .statusCode()).isEqualTo(200);
        http = newClient();
        assertThat(send(gateway.token(), "GET", "/v1/files/inbox/", null).statusCode()).isEqualTo(200);
        HttpResponse<String> again = send(adminToken, "POST", "/v1/admin/tenants/acme/unlock",
                "{\"reason\":\"again\"}");
        assertThat(again.statusCode()).as("as vaultgate unlock exits 1").isEqualTo(409);
        assertThat(again.body()).contains("tenant acme is not locked; nothing was changed");
    }

    @Test
    void anOperatorRemovedOverTheApi_losesItsTokenAtOnce_andLeavesTheSitesList_thenTheSiteGoesWithTheRest() throws Exception {
        gateway.core().sites().createSite("manila", "Manila");
        gateway.core().sites().createOperator("manila", "maria");
        gateway.core().sites().createOperator("manila", "marco");
        String mariaToken = gateway.core().sites().issueOperatorToken("maria", "test");
        assertThat(send(mariaToken, "GET", "/v1/batches", null).statusCode()).isEqualTo(200);
        assertThat(send(adminToken, "GET", "/v1/admin/sites/manila/operators", null).body())
                .contains("\"username\":\"maria\"", "\"username\":\"marco\"");
        assertThat(send(adminToken, "POST", "/v1/admin/operators/maria/remove", "{}").statusCode())
                .as("a reason is required").isEqualTo(400);

        HttpResponse<String> removed = send(adminToken, "POST", "/v1/admin/operators/maria/remove",
                "{\"reason\":\"left the company\"}");

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(removed.body()).contains("\"site\":\"manila\"", "\"credentialsRevoked\":1",
                "\"batchesReleased\":[]");
        assertThat(send(mariaToken, "GET", "/v1/batches", null).statusCode()).isEqualTo(401);
        assertThat(send(adminToken, "GET", "/v1/admin/sites/manila/operators", null).body())
                .doesNotContain("maria").contains("marco");
        assertThat(send(adminToken, "POST", "/v1/admin/operators/maria/remove", "{\"reason\":\"again\"}")
                .statusCode()).as("already removed").isEqualTo(404);
        assertThat(send(adminToken, "GET", "/v1/admin/sites/nowhere/operators", null).statusCode()).isEqualTo(404);

        HttpResponse<String> siteRemoved = send(adminToken, "POST", "/v1/admin/sites/manila/remove",
                "{\"reason\":\"contract ended\"}");
        assertThat(siteRemoved.statusCode()).as(siteRemoved.body()).isEqualTo(200);
        assertThat(siteRemoved.body()).contains("\"operatorsRemoved\":[\"marco\"]");
        assertThat(send(adminToken, "GET", "/v1/admin/sites/manila/operators", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aSiteThatWillNeverFinish_isRemovedWithAbandonWork_andTheTenantSeesItsForwardAbandoned() throws Exception {
        gateway.core().sites().createSite("lyon", "Lyon");
        String route = gateway.core().sites().addRoute(gateway.principal().tenant(), "lyon", RouteMode.PUSH,
                PathPolicy.parse("/inbox"), 0, 0, Duration.ZERO).id();
        try (Upload upload = gateway.core().ingest().open(gateway.principal(), PathPolicy.parse("/inbox/a.csv"),
                UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
        gateway.core().sites().removeRoute(gateway.principal().tenant(), route);
        HttpResponse<String> refused = send(adminToken, "POST", "/v1/admin/sites/lyon/remove",
                "{\"reason\":\"went out of business\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(refused.body()).contains("1 forward(s) not delivered", "\\\"abandonWork\\\": true");
        assertThat(send(adminToken, "POST", "/v1/admin/sites/lyon/remove",
                "{\"reason\":\"went out of business\",\"abandonWork\":\"yes\"}").statusCode()).isEqualTo(400);

        HttpResponse<String> removed = send(adminToken, "POST", "/v1/admin/sites/lyon/remove",
                "{\"reason\":\"went out of business\",\"abandonWork\":true}");

        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(removed.body()).contains("\"site\":\"lyon\"", "\"batchesAbandoned\":[]",
                "\"batchesAbandonedCount\":0", "\"batchesAbandonedTruncated\":false",
                "\"forwardsAbandoned\":[\"fw_", "\"forwardsAbandonedCount\":1",
                "\"forwardsAbandonedTruncated\":false");
        HttpResponse<String> seen = send(gateway.token(), "GET", "/v1/forwarding/inbox/a.csv", null);
        assertThat(seen.statusCode()).as(seen.body()).isEqualTo(200);
        assertThat(seen.body()).contains("\"site\":\"lyon\"", "\"state\":\"ABANDONED\"", "\"abandonedAt\":\"20")
                .doesNotContain("nextAttemptAt", "out of business");
        assertThat(send(gateway.token(), "GET", "/v1/files/inbox/a.csv", null).body()).isEqualTo("\u0001\u0002\u0003");
        assertThat(send(adminToken, "POST", "/v1/admin/sites/lyon/remove",
                "{\"reason\":\"again\",\"abandonWork\":true}").statusCode()).as("already removed").isEqualTo(404);
    }

    @Test
    void clientsAndOperators_areForbidden_andAnonymousCallersUnauthorized() throws Exception {
        gateway.core().sites().createSite("manila", "Manila");
        gateway.core().sites().createOperator("manila", "maria");
        String operatorToken = gateway.core().sites().issueOperatorToken("maria", "test");

        assertThat(send(gateway.token(), "GET", "/v1/admin/tenants", null).statusCode()).isEqualTo(403);
        assertThat(send(operatorToken, "POST", "/v1/admin/tenants", "{\"id\":\"evil\"}").statusCode()).isEqualTo(403);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(gateway.uri("/v1/admin/tenants")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(gateway.core().administration().tenant(io.vaultgate.core.tenant.TenantId.of("evil"))).isEmpty();
    }

    /** RFC 9110 9.1: a general-purpose server supports HEAD wherever it supports GET. */
    @Test
    void head_ofTheGetRoutes_answersTheirHeadersWithoutABody() throws Exception {
        gateway.core().sites().createSite("manila", "Manila");
        gateway.core().sites().createOperator("manila", "maria");
        String operatorToken = gateway.core().sites().issueOperatorToken("maria", "test");

        HttpResponse<String> tenants = send(adminToken, "HEAD", "/v1/admin/tenants", null);
        HttpResponse<String> batches = send(operatorToken, "HEAD", "/v1/batches", null);

        assertThat(tenants.statusCode()).isEqualTo(200);
        assertThat(tenants.headers().firstValueAsLong("content-length").orElse(0)).isPositive();
        assertThat(tenants.body()).isEmpty();
        assertThat(batches.statusCode()).isEqualTo(200);
        assertThat(batches.body()).isEmpty();
        assertThat(send(adminToken, "HEAD", "/v1/admin/tenants/acme/lockdown", null).statusCode()).isEqualTo(405);
    }

    @Test
    void badRequests_getProblemDetails_andChangeNothing() throws Exception {
        HttpResponse<String> notJson = send(adminToken, "POST", "/v1/admin/tenants", "{\"id\":");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(notJson.body()).contains("urn:vaultgate:problem:bad-request").doesNotContain("Exception");

        HttpResponse<String> missing = send(adminToken, "POST", "/v1/admin/tenants", "{\"name\":\"x\"}");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(missing.body()).contains("field id is required");

        HttpResponse<String> halfBad = send(adminToken, "PATCH", "/v1/admin/tenants/acme",
                "{\"quotaBytes\":5,\"allowedSources\":[\"not-a-network\"]}");
        assertThat(halfBad.statusCode()).isEqualTo(400);
        assertThat(send(adminToken, "GET", "/v1/admin/tenants/acme", null).body()).contains("\"quotaBytes\":0");

        HttpResponse<String> badKey = send(adminToken, "POST", "/v1/admin/tenants/acme/accounts",
                "{\"username\":\"bob\",\"sshKeys\":[\"ssh-dss AAAA\"]}");
        assertThat(badKey.statusCode()).isEqualTo(400);
        assertThat(send(adminToken, "GET", "/v1/admin/tenants/acme/accounts", null).body())
                .doesNotContain("\"username\":\"bob\"");

        assertThat(send(adminToken, "POST", "/v1/admin/tenants", "{\"id\":\"acme\"}").statusCode()).isEqualTo(409);
        assertThat(send(adminToken, "GET", "/v1/admin/tenants/nobody", null).statusCode()).isEqualTo(404);
        assertThat(send(adminToken, "GET", "/v1/admin/nothing-here", null).statusCode()).isEqualTo(404);
        HttpResponse<String> wrongMethod = send(adminToken, "DELETE", "/v1/admin/tenants", null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, POST");

        String huge = "{\"id\":\"big\",\"name\":\"" + "x".repeat(70_000) + "\"}";
        assertThat(send(adminToken, "POST", "/v1/admin/tenants", huge).statusCode()).isEqualTo(413);
        assertThat(gateway.core().administration().tenants()).hasSize(1);
    }

    private HttpClient newClient() throws Exception {
        return HttpClient.newBuilder().sslContext(gateway.tls().clientContext("TLS"))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    private long auditedBy(String actor) throws Exception {
        Path catalog = dir.resolve("core").resolve("catalog.db");
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalog);
             PreparedStatement query = connection.prepareStatement("SELECT COUNT(*) FROM audit_events WHERE actor = ?")) {
            query.setString(1, actor);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }

    /** A fresh Ed25519 public key as an authorized_keys line (RFC 8709 wire encoding). */
    private static String ed25519Line() throws NoSuchAlgorithmException, IOException {
        byte[] x509 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded();
        byte[] raw = Arrays.copyOfRange(x509, x509.length - 32, x509.length);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(wire);
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        out.writeInt(type.length);
        out.write(type);
        out.writeInt(raw.length);
        out.write(raw);
        return "ssh-ed25519 " + Base64.getEncoder().encodeToString(wire.toByteArray()) + " gina@test";
    }
}
