package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files API driven by the JDK's HttpClient over TLS, against a real core. */
class FilesHttpClientIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        client = HttpClient.newBuilder().sslContext(gateway.tls().clientContext("TLS"))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void streamedUpload_thenDownload_roundTrips() throws Exception {
        byte[] data = FilesCurlIT.randomBytes(5 * 1024 * 1024 + 3);
        Path file = Files.write(dir.resolve("up.bin"), data);

        HttpResponse<String> put = client.send(authorized("/v1/files/inbox/reports/up.bin")
                .PUT(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<byte[]> get = client.send(authorized("/v1/files/inbox/reports/up.bin").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("content-type")).contains("application/json");
        assertThat(put.body()).contains(FilesCurlIT.sha256Hex(data));
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo(data);
        assertThat(get.headers().firstValue("etag")).contains("\"" + FilesCurlIT.sha256Hex(data) + "\"");
    }

    @Test
    void rangeAndConditionalRequests() throws Exception {
        byte[] data = FilesCurlIT.randomBytes(300_000);
        client.send(authorized("/v1/files/inbox/r.bin").PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                HttpResponse.BodyHandlers.discarding());

        HttpResponse<byte[]> tail = client.send(authorized("/v1/files/inbox/r.bin").header("Range", "bytes=-1000")
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        String etag = tail.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> notModified = client.send(authorized("/v1/files/inbox/r.bin").header("If-None-Match", etag)
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(tail.statusCode()).isEqualTo(206);
        assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(data, 299_000, 300_000));
        assertThat(tail.headers().firstValue("content-range")).contains("bytes 299000-299999/300000");
        assertThat(notModified.statusCode()).isEqualTo(304);
    }

    @Test
    void putAgain_replacesTheFile() throws Exception {
        for (String content : new String[] {"first version", "second"}) {
            HttpResponse<String> put = client.send(authorized("/v1/files/inbox/same.txt")
                    .PUT(HttpRequest.BodyPublishers.ofString(content)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        }
        HttpResponse<String> get = client.send(authorized("/v1/files/inbox/same.txt").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.body()).isEqualTo("second");
    }

    @Test
    void basicAuth_isRefused_whenTheTenantDoesNotAllowPasswords() throws Exception {
        TenantId acme = TenantId.of(TestGateway.TENANT);
        gateway.core().administration().setPasswordLogin(acme, true); // set while allowed, then refused again
        gateway.core().administration().setPassword(TestGateway.USER, "correct horse".toCharArray());
        gateway.core().administration().setPasswordLogin(acme, false);
        String basic = Base64.getEncoder().encodeToString((TestGateway.USER + ":correct horse")
                .getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/v1/files/inbox/"))
                .header("Authorization", "Basic " + basic).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().allValues("www-authenticate")).hasSize(2);
    }

    @Test
    void basicAuth_works_whenTheTenantAllowsPasswords() throws Exception {
        var admin = gateway.core().administration();
        admin.createTenant(io.vaultgate.core.tenant.TenantId.of("pwco"), "Password Co", true);
        admin.createAccount(io.vaultgate.core.tenant.TenantId.of("pwco"), "bob");
        admin.setPassword("bob", "correct horse".toCharArray());
        String basic = Base64.getEncoder().encodeToString("bob:correct horse".getBytes(StandardCharsets.UTF_8));
        String wrong = Base64.getEncoder().encodeToString("bob:wrong".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> put = client.send(HttpRequest.newBuilder(gateway.uri("/v1/files/inbox/b.txt"))
                .header("Authorization", "Basic " + basic).PUT(HttpRequest.BodyPublishers.ofString("hi")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(gateway.uri("/v1/files/inbox/"))
                .header("Authorization", "Basic " + wrong).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.body()).contains("\"tenant\":\"pwco\"");
        assertThat(refused.statusCode()).isEqualTo(401);
    }

    @Test
    void badToken_is401_andNoStackTraceLeaks() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(gateway.uri("/v1/files/inbox/"))
                .header("Authorization", "Bearer vg_forged").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void manyRequestsOnOneConnection_allSucceed() throws Exception {
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> put = client.send(authorized("/v1/files/inbox/n" + i)
                    .PUT(HttpRequest.BodyPublishers.ofString("file " + i)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(201);
        }
        HttpResponse<String> list = client.send(authorized("/v1/files/inbox/").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(list.body()).contains("\"name\":\"n0\"").contains("\"name\":\"n19\"");
    }

    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + gateway.token());
    }
}
