package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.vaultgate.https.admin.AdminApi;
import io.vaultgate.https.files.FilesApi;
import io.vaultgate.https.forwarding.ForwardingApi;
import io.vaultgate.https.http.ProblemType;
import io.vaultgate.https.http.Route;
import io.vaultgate.https.operator.OperatorApi;
import io.vaultgate.https.tus.TusApi;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitor's token, end to end on the gateway as {@code vaultgate run} starts it: it reads {@code /metrics} and
 * {@code /status.json} on the ops listener (as an administrator's token still does), is forbidden on every route of
 * the HTTPS front-end (admin, file, upload, operator and forwarding APIs: 403 with a problem document), logs in neither
 * by HTTPS Basic nor over SFTP, and stops working on the ops listener when its monitor is removed.
 */
class MonitorTokenTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void aMonitorsToken_readsTheOpsListener_andIsRefusedEverywhereElse() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("ops.token-cache", "0s"))) {
            String token = gateway.app.core().incidents().monitors().add("prometheus", "test");

            HttpResponse<String> metrics = ops(gateway, "/metrics", token);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("vaultgate_ready");
            assertThat(ops(gateway, "/status.json", token).statusCode()).isEqualTo(200);
            assertThat(gateway.ops("/metrics").statusCode()).as("an administrator's token still reads it")
                    .isEqualTo(200);

            for (Route route : frontEndRoutes()) {
                HttpResponse<String> refused = https(gateway, route, "Bearer " + token);
                assertThat(refused.statusCode()).as(route.toString()).isEqualTo(403);
                if (!route.method().equals(HttpMethod.HEAD)) {
                    assertThat(refused.body()).as(route.toString()).contains(ProblemType.ACCESS_DENIED.uri());
                }
            }
            String basic = Base64.getEncoder().encodeToString(("prometheus:" + token).getBytes(StandardCharsets.UTF_8));
            assertThat(https(gateway, new Route(HttpMethod.GET, FilesApi.PREFIX + "/inbox"), "Basic " + basic)
                    .statusCode()).isEqualTo(401);
            assertSftpPasswordRefused(gateway, "prometheus", token);

            gateway.app.core().incidents().monitors().remove("prometheus", "host retired", "test");

            assertThat(ops(gateway, "/metrics", token).statusCode()).isEqualTo(403);
        }
    }

    /** Every method and path of the front-end's APIs that needs a login (tus' OPTIONS does not). */
    private static List<Route> frontEndRoutes() {
        return Stream.of(AdminApi.ROUTES, FilesApi.ROUTES, TusApi.ROUTES, OperatorApi.ROUTES, ForwardingApi.ROUTES)
                .flatMap(List::stream).filter(route -> !route.method().equals(HttpMethod.OPTIONS)).toList();
    }

    private static HttpResponse<String> https(RunningGateway gateway, Route route, String authorization)
            throws Exception {
        URI uri = URI.create("https://127.0.0.1:" + gateway.app.httpsPort().orElseThrow()
                + route.template().replaceAll("\\{[^}]+}", "x"));
        boolean body = List.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH).contains(route.method());
        return gateway.https.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .method(route.method().name(), body ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> ops(RunningGateway gateway, String path, String token) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + gateway.opsPort() + path);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertSftpPasswordRefused(RunningGateway gateway, String user, String password)
            throws Exception {
        try (SshClient client = SshClient.setUpDefaultClient()) {
            client.setServerKeyVerifier((session, address, key) -> true);
            client.start();
            try (ClientSession session = client.connect(user, "127.0.0.1", gateway.app.sftpPort().orElseThrow())
                    .verify(TIMEOUT).getSession()) {
                session.addPasswordIdentity(password);
                assertThatThrownBy(() -> session.auth().verify(TIMEOUT)).as("SFTP login with the token as password")
                        .isInstanceOf(java.io.IOException.class);
                assertThat(session.isAuthenticated()).isFalse();
            }
        }
    }
}
