package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsServerTest {

    @TempDir
    Path home;
    private OpsFixture ops;

    @BeforeEach
    void setUp() throws Exception {
        ops = new OpsFixture(home);
    }

    @AfterEach
    void tearDown() {
        ops.close();
    }

    @Test
    void metrics_afterAnUpload_showTheTransferAndItsBytes() throws Exception {
        ClientPrincipal alice = ops.test.client("acme", "alice", Protocol.HTTPS);
        try (Upload upload = ops.test.core().ingest().open(alice, PathPolicy.parse("/inbox/a.csv"), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(12_345));
            upload.commit();
        }

        HttpResponse<String> response = ops.getAsAdmin("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body())
                .contains("vaultgate_transfers_total{direction=\"in\",outcome=\"committed\",protocol=\"https\","
                        + "tenant=\"acme\"} 1.0")
                .contains("vaultgate_transfer_bytes_total{direction=\"in\",protocol=\"https\",tenant=\"acme\"} 12345.0")
                .contains("vaultgate_transfer_size_bytes_count{direction=\"in\",protocol=\"https\"} 1")
                .contains("vaultgate_uploads_active 0.0")
                .contains("# HELP vaultgate_transfers_total")
                .contains("vaultgate_tenant_stored_bytes{tenant=\"acme\"} 12345.0")
                .contains("vaultgate_ready{check=\"catalog\"} 1.0")
                .contains("jvm_memory_used_bytes")
                .contains("process_cpu_usage");
    }

    /**
     * Slowloris against the ops listener: clients that send half a request and then nothing must not keep the
     * health checks (a load balancer's) from being answered, and are cut off at the request timeout (1 s here
     * instead of 10 s). Written against the JDK server that read each request on a pool thread (4 such sockets
     * took it down); {@link OpsSlowClientsTest} holds more, for longer, and times the answers.
     */
    @Test
    void clientsThatNeverFinishTheirRequest_areCutOff_andHealthChecksAreAnsweredAgain(@TempDir Path quickHome)
            throws Exception {
        java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
        try (OpsFixture quick = new OpsFixture(quickHome, java.time.Duration.ofSeconds(1))) {
            for (int i = 0; i < 32; i++) {
                java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), quick.port());
                socket.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                slow.add(socket);
            }
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(8).toNanos();
            int status = 0;
            while (status != 200 && System.nanoTime() < deadline) {
                try {
                    status = quick.send(quick.request("/health/live").timeout(java.time.Duration.ofSeconds(1)))
                            .statusCode();
                } catch (java.io.IOException stillBlocked) {
                    // timed out, or cut off mid-answer (the client's 1 s timeout or the listener's deadline fell
                    // while the answer was on its way: "fixed content-length: 15, bytes received: 0"): ask again
                    status = 0;
                }
            }
            assertThat(status).as("/health/live within 8 s while 32 clients hold half a request").isEqualTo(200);
            for (java.net.Socket socket : slow) {
                socket.setSoTimeout(5_000);
                assertThat(socket.getInputStream().read()).as("every slow client was disconnected").isEqualTo(-1);
            }
        } finally {
            for (java.net.Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void metrics_withoutAToken_areRefusedWith401() throws Exception {
        HttpResponse<String> response = ops.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(value ->
                assertThat(value).startsWith("Bearer"));
        assertThat(response.body()).doesNotContain("vaultgate_");
    }

    @Test
    void metrics_withATokenThatIsNotAnAdmins_areRefusedWith403() throws Exception {
        ops.test.client("acme", "alice", Protocol.HTTPS);
        String clientToken = ops.test.core().administration().issueAccountToken("alice", "ci");

        HttpResponse<String> response = ops.send(ops.request("/metrics")
                .header("Authorization", "Bearer " + clientToken));

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void metrics_withAWrongToken_areRefused_andTheFailureIsCounted() throws Exception {
        HttpResponse<String> response = ops.send(ops.request("/metrics").header("Authorization", "Bearer nope"));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(ops.getAsAdmin("/metrics").body())
                .contains("vaultgate_auth_failures_total{protocol=\"https\",reason=\"bad_credential\"} 1.0");
    }

    /**
     * The ops listener's token failures are not scored by the front-ends' defender: a misconfigured Prometheus on
     * loopback must not get 127.0.0.1 banned from SFTP and HTTPS (20 failures would pass the default threshold of 15
     * points). The failures are still counted; the listener limits them itself (403, then 429).
     */
    @Test
    void wrongTokens_onTheOpsListener_doNotGetTheAddressBannedFromTheFrontEnds() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(ops.send(ops.request("/metrics").header("Authorization", "Bearer wrong-" + i)).statusCode())
                    .isIn(403, 429);
        }

        assertThat(ops.test.core().authenticator().access().admits("127.0.0.1", "connect")).isTrue();
        assertThat(ops.test.core().authenticator().byToken(ops.adminToken, Protocol.HTTPS, "127.0.0.1"))
                .isInstanceOf(io.vaultgate.core.auth.AuthResult.Success.class);
    }

    @Test
    void anAcceptedToken_isRememberedForTheCachePeriod_soScrapesAreNotEachAudited() throws Exception {
        ops.getAsAdmin("/metrics");
        ops.getAsAdmin("/metrics");

        assertThat(ops.getAsAdmin("/metrics").body())
                .contains("vaultgate_auth_successes_total{method=\"token\",protocol=\"https\"} 1.0");
    }

    @Test
    void metrics_whenRefreshingTheCatalogGaugesFails_stillAnswerWithEveryOtherMeter() throws Exception {
        assertThat(ops.getAsAdmin("/metrics").statusCode()).isEqualTo(200);
        ops.refreshFailure = new IllegalStateException("catalog unreachable");

        HttpResponse<String> response = ops.getAsAdmin("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes").contains("vaultgate_");
    }

    @Test
    void liveness_answersWithoutAToken() throws Exception {
        HttpResponse<String> response = ops.get("/health/live");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"up\"");
    }

    @Test
    void readiness_isUp_whenCatalogAndStoreWork() throws Exception {
        HttpResponse<String> response = ops.get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"up\",\"checks\":[{\"name\":\"catalog\",\"up\":true},"
                + "{\"name\":\"store\",\"up\":true},{\"name\":\"catalog-file\",\"up\":true}]}\n");
    }

    /**
     * {@code /health/ready} answers without a token: it says which check failed, never why (the reason names the
     * catalog's absolute path here; elsewhere it may carry an exception's text). The administrator's
     * {@code /status.json} gives the reason.
     */
    @Test
    void readiness_fails503_whenTheCatalogIsGone_namingTheCheckButNotTheReason() throws Exception {
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Files.deleteIfExists(home.resolve("catalog.db" + suffix));
        }

        HttpResponse<String> response = ops.get("/health/ready");
        HttpResponse<String> status = ops.getAsAdmin("/status.json");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("{\"status\":\"down\",\"checks\":[{\"name\":\"catalog\",\"up\":true},"
                + "{\"name\":\"store\",\"up\":true},{\"name\":\"catalog-file\",\"up\":false}]}\n");
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(status.body()).contains("the catalog file " + home.resolve("catalog.db"), "restart");
    }

    @Test
    void statusPage_isServed_withItsScript() throws Exception {
        HttpResponse<String> page = ops.get("/status");
        HttpResponse<String> script = ops.get("/status.js");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Vaultgate status</title>").contains("/status.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.body()).contains("/status.json");
    }

    @Test
    void statusJson_listsTheUploadInProgress() throws Exception {
        ClientPrincipal alice = ops.test.client("acme", "alice", Protocol.SFTP);
        try (Upload upload = ops.test.core().ingest().open(alice, PathPolicy.parse("/inbox/big.bin"),
                UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.allocate(4_096));

            HttpResponse<String> response = ops.getAsAdmin("/status.json");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"activeUploads\":1").contains("\"path\":\"/inbox/big.bin\"")
                    .contains("\"bytes\":4096").contains("\"tenant\":\"acme\"");
            upload.abort();
        }
    }

    @Test
    void statusJson_withoutAToken_isRefused() throws Exception {
        assertThat(ops.get("/status.json").statusCode()).isEqualTo(401);
    }

    @Test
    void writes_areRefused() throws Exception {
        HttpResponse<String> response = ops.send(ops.request("/health/live")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")));

        assertThat(response.statusCode()).isEqualTo(405);
    }

    @Test
    void unknownPaths_areNotFound() throws Exception {
        assertThat(ops.get("/nope").statusCode()).isEqualTo(404);
    }
}
