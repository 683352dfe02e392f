package io.vaultgate.server.ops;

import io.vaultgate.core.auth.ClientPrincipal;
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
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway as {@code vaultgate run} starts it, on free loopback ports, with tenant {@code acme} and its
 * client account {@code alice} (an API token), and an HTTPS client that trusts the gateway's private CA.
 */
final class RunningGateway implements AutoCloseable {

    static final String TENANT = "acme";
    static final String ACCOUNT = "alice";

    final VaultgateApplication app;
    final Account account;
    final String clientToken;
    final String adminToken;
    final HttpClient https;
    /**
     * One client for the ops listener, kept alive between requests: a client per request would leave a connection
     * open per poll until the listener's idle limit, and a test polling every 100 ms would reach its per-source cap.
     */
    private final HttpClient opsClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    RunningGateway(Path home, Map<String, String> settings) throws Exception {
        Map<String, String> overrides = new HashMap<>(Map.of("home", home.toString(),
                "sftp.bind", "127.0.0.1", "sftp.port", "0", "https.bind", "127.0.0.1", "https.port", "0",
                "ops.port", "0"));
        overrides.putAll(settings);
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), overrides);
        TestKeystore.seed(config);
        app = VaultgateApplication.start(config, Map.of());
        try {
            app.core().administration().createTenant(TenantId.of(TENANT), "Acme", false);
            account = app.core().administration().createAccount(TenantId.of(TENANT), ACCOUNT);
            clientToken = app.core().administration().issueAccountToken(ACCOUNT, "test");
            adminToken = Files.readString(adminTokenFile()).strip();
            https = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(30)).sslContext(StatusClient.trusting(app.dataDirectory().caCertificate()))
                    .build();
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
    }

    /** alice, logged in over {@code protocol}, for calls straight into the core. */
    ClientPrincipal alice(Protocol protocol) {
        return new ClientPrincipal(account.id(), ACCOUNT, TenantId.of(TENANT), protocol);
    }

    Path adminTokenFile() {
        return app.dataDirectory().adminTokenFile();
    }

    int opsPort() {
        return app.opsPort().orElseThrow();
    }

    URI files(String path) {
        return URI.create("https://127.0.0.1:" + app.httpsPort().orElseThrow() + "/v1/files" + path);
    }

    /** Uploads {@code body} to {@code path} as alice; returns the status code. */
    int put(String path, byte[] body) throws Exception {
        return https.send(HttpRequest.newBuilder(files(path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + clientToken).PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Downloads {@code path} as alice. */
    HttpResponse<byte[]> get(String path, String token) throws Exception {
        return https.send(HttpRequest.newBuilder(files(path)).timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** {@code GET} on the ops listener, with the admin token. */
    HttpResponse<String> ops(String path) throws Exception {
        return opsClient.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + opsPort() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + adminToken).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        app.close();
    }
}
