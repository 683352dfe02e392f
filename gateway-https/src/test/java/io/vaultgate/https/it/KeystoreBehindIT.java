package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.kek.KeystoreBehindCatalog;
import io.vaultgate.core.report.WorkProgress;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCatalog;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.testing.TestTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an HTTPS client meets on a scale-out node whose copy of the keystore is behind the catalog ({@code KekCatalog}):
 * node A rotates the tenant's KEK, node B, serving this listener, still holds the old keystore. An upload is refused
 * with 503 and the client's message (retry later), never 500, never the node's internals, and leaves nothing behind;
 * a file wrapped by the version B lacks is 503 too; once B's keystore is copied both work.
 */
class KeystoreBehindIT {

    private static final String CLIENT_PROBLEM = "\"detail\":\"" + KeystoreBehindCatalog.CLIENT_MESSAGE + "\"";

    @TempDir
    Path dir;

    private TestCore nodeA;
    private TestCore nodeB;
    private HttpsServer serverOnB;
    private HttpClient http;
    private String token;
    private ClientPrincipal alice;

    @BeforeEach
    void twoNodesWithTheirOwnKeystores_httpsOnNodeB() throws Exception {
        Path home = Files.createDirectories(dir.resolve("core"));
        nodeA = TestCore.create(home);
        alice = nodeA.client("acme", "alice", Protocol.HTTPS);
        token = nodeA.core().administration().issueAccountToken("alice", "test");
        Path keystoreB = Files.createDirectory(dir.resolve("node-b")).resolve("kek.p12");
        Files.copy(home.resolve("kek.p12"), keystoreB, StandardCopyOption.COPY_ATTRIBUTES);
        nodeB = TestCore.over(home, TestCatalog.open(home), keystoreB);
        TestTls tls = TestTls.create(dir);
        GatewayCore b = nodeB.core();
        serverOnB = HttpsServer.start(HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0),
                new HttpsServices(b.authenticator(), b.files(), b.ingest(), b.batches(), b.receipts()));
        http = HttpClient.newBuilder().sslContext(tls.clientContext("TLS")).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @AfterEach
    void stop() {
        if (serverOnB != null) {
            serverOnB.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void afterARotationOnAnotherNode_anUploadHereIs503WithTheClientsMessage_andNothingIsStored() throws Exception {
        assertThat(send("PUT", "/v1/files/inbox/before.csv", "stored by B").statusCode()).isEqualTo(201);
        nodeA.core().keyRotation().emergencyRotate(TenantId.of("acme"), WorkProgress.NONE);

        HttpResponse<String> refused = send("PUT", "/v1/files/inbox/after.csv", "refused");

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(refused.body()).contains(CLIENT_PROBLEM)
                .doesNotContain("kek.p12", "version", "Exception", "at io.vaultgate");
        assertThat(send("GET", "/v1/files/inbox/after.csv", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/files/inbox/", null).body()).contains("before.csv").doesNotContain("after.csv");

        copyKeystoreOfAToB();
        assertThat(send("PUT", "/v1/files/inbox/after.csv", "accepted").statusCode()).isEqualTo(201);
        assertThat(send("GET", "/v1/files/inbox/after.csv", null).body()).isEqualTo("accepted");
    }

    @Test
    void aFileWrappedByAVersionThisNodeLacks_isA503Download_untilItsKeystoreIsCopied() throws Exception {
        nodeA.core().keyRotation().rotate(TenantId.of("acme"), false);
        nodeA.upload(alice, "/inbox/new.csv", "wrapped by version 2");

        HttpResponse<String> refused = send("GET", "/v1/files/inbox/new.csv", null);

        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.body()).contains(CLIENT_PROBLEM).doesNotContain("wrapped by version 2");

        copyKeystoreOfAToB();
        assertThat(send("GET", "/v1/files/inbox/new.csv", null).body()).isEqualTo("wrapped by version 2");
    }

    /** As an operator does: the file copied beside B's and moved over it; B's provider reloads it. */
    private void copyKeystoreOfAToB() throws Exception {
        Path target = dir.resolve("node-b").resolve("kek.p12");
        Path copy = target.resolveSibling("kek.p12.new");
        Files.copy(dir.resolve("core").resolve("kek.p12"), copy, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + serverOnB.port() + path))
                .header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
