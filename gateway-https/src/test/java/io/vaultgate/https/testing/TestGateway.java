package io.vaultgate.https.testing;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.admin.AdminServices;
import io.vaultgate.https.metrics.HttpsConnections;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A real core over a temporary directory behind a real HTTPS server on 127.0.0.1 and a random port,
 * with one tenant ({@code acme}) and one client account ({@code alice}) holding an API token; the connection
 * meters are registered in the core's registry and the core's defender guards the listener.
 */
public final class TestGateway implements AutoCloseable {

    public static final String TENANT = "acme";
    public static final String USER = "alice";

    private final TestCore core;
    private final TestTls tls;
    private final HttpsServer server;
    private final String token;
    private final ClientPrincipal principal;

    private TestGateway(TestCore core, TestTls tls, HttpsServer server, String token, ClientPrincipal principal) {
        this.core = core;
        this.tls = tls;
        this.server = server;
        this.token = token;
        this.principal = principal;
    }

    public static TestGateway start(Path directory) throws Exception {
        return start(directory, UnaryOperator.identity());
    }

    public static TestGateway start(Path directory, UnaryOperator<HttpsSettings> tweak) throws Exception {
        Path home = Files.createDirectories(directory.resolve("core"));
        TestCore core = TestCore.create(home);
        ClientPrincipal principal = core.client(TENANT, USER, Protocol.HTTPS);
        String token = core.core().administration().issueAccountToken(USER, "test");
        TestTls tls = TestTls.create(directory);
        HttpsSettings settings = tweak.apply(HttpsSettings.defaults(tls.serverMaterial()).withAddress("127.0.0.1", 0));
        GatewayCore gateway = core.core();
        HttpsServer server = HttpsServer.start(settings, new HttpsServices(gateway.authenticator(), gateway.files(),
                gateway.ingest(), gateway.batches(), gateway.receipts())
                .withAdmin(AdminServices.of(gateway))
                .withMeters(HttpsConnections.registeredIn(gateway.metrics().registry()))
                .withForwarding(gateway.forwarding().fileState()));
        return new TestGateway(core, tls, server, token, principal);
    }

    public GatewayCore core() {
        return core.core();
    }

    public ClientPrincipal principal() {
        return principal;
    }

    public TestTls tls() {
        return tls;
    }

    public String token() {
        return token;
    }

    public int port() {
        return server.port();
    }

    /** {@code https://127.0.0.1:PORT} followed by {@code path}. */
    public String url(String path) {
        return "https://127.0.0.1:" + server.port() + path;
    }

    public URI uri(String path) {
        return URI.create(url(path));
    }

    @Override
    public void close() {
        server.close();
        core.close();
    }
}
