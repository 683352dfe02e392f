package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.https.testing.TestGateway;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pull workflow over HTTPS: a client uploads, an operator lists, claims, reads, returns results, completes. */
class OperatorIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private HttpClient http;
    private String operatorToken;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        http = HttpClient.newBuilder().sslContext(gateway.tls().clientContext("TLS"))
                .version(HttpClient.Version.HTTP_1_1).build();
        gateway.core().sites().createSite("manila", "Manila processing");
        gateway.core().sites().createOperator("manila", "maria");
        operatorToken = gateway.core().sites().issueOperatorToken("maria", "test");
        gateway.core().sites().addRoute(gateway.principal().tenant(), "manila", RouteMode.PULL,
                PathPolicy.parse("/inbox"), 2, 0, Duration.ofMinutes(10));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void claimReadReturnResultsComplete_reachesTheClientsOutbox() throws Exception {
        assertThat(send(gateway.token(), "PUT", "/v1/files/inbox/a.csv", "1,2").statusCode()).isEqualTo(201);
        assertThat(send(gateway.token(), "PUT", "/v1/files/inbox/b.csv", "3,4").statusCode()).isEqualTo(201);

        HttpResponse<String> ready = send(operatorToken, "GET", "/v1/batches", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("\"state\":\"READY\"").contains("\"fileCount\":2");
        String batch = firstId(ready.body());

        HttpResponse<String> claimed = send(operatorToken, "POST", "/v1/batches/" + batch + "/claim", null);
        assertThat(claimed.statusCode()).as(claimed.body()).isEqualTo(200);
        assertThat(claimed.body()).contains("\"state\":\"CLAIMED\"").contains("leaseExpiresAt");

        String files = "/v1/files/" + gateway.principal().tenant().value() + "/" + batch + "/";
        assertThat(send(operatorToken, "GET", files, null).body()).contains("\"name\":\"a.csv\"").contains("\"name\":\"b.csv\"");
        assertThat(send(operatorToken, "GET", files + "b.csv", null).body()).isEqualTo("3,4");
        HttpResponse<String> result = send(operatorToken, "PUT", files + "results/sum.csv", "10");
        assertThat(result.statusCode()).isEqualTo(201);
        // the Location is where the operator finds its result, not the tenant's /outbox path behind it
        assertThat(result.headers().firstValue("location")).contains(files + "results/sum.csv");
        assertThat(send(operatorToken, "GET", files + "results/sum.csv", null).body()).isEqualTo("10");

        HttpResponse<String> completed = send(operatorToken, "POST", "/v1/batches/" + batch + "/complete", null);
        assertThat(completed.body()).contains("\"state\":\"COMPLETED\"");
        assertThat(send(gateway.token(), "GET", "/v1/files/outbox/" + batch + "/sum.csv", null).body()).isEqualTo("10");
    }

    @Test
    void clients_cannotUseTheBatchApi_andUnknownBatchesAreNotFound() throws Exception {
        assertThat(send(gateway.token(), "GET", "/v1/batches", null).statusCode()).isEqualTo(403);
        assertThat(send(operatorToken, "POST", "/v1/batches/b_nope/claim", null).statusCode()).isEqualTo(404);
        assertThat(send(operatorToken, "GET", "/v1/batches/b_nope/claim", null).statusCode()).isEqualTo(405);
    }

    private HttpResponse<String> send(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri(path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String firstId(String json) {
        Matcher matcher = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(json).isTrue();
        return matcher.group(1);
    }
}
