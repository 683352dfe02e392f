package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.https.http.ProxyPeers;
import io.vaultgate.https.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API on the client-facing listener answers an administrator's token only from {@code access.admin-sources}
 * (loopback by default), judged by the source the listener trusts: behind a trusted balancer, the client's address from
 * its PROXY header. From elsewhere the token is refused as a wrong one is (401, nothing more), audited and counted
 * (review33 M1).
 */
class AdminSourcesIT {

    private static final String BALANCER = "127.0.0.1";
    private static final String OUTSIDE = "203.0.113.9";

    @TempDir
    Path dir;
    private TestGateway gateway;
    private String admin;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir, s -> s.withProxies(new ProxyPeers(List.of(Cidr.parse(BALANCER + "/32")))));
        admin = gateway.core().incidents().administrators().add("root", "cli");
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anAdminTokenFromOutsideTheAdminNetworks_isRefusedLikeAWrongOne_andAudited() throws Exception {
        String refused = get(viaBalancer(OUTSIDE), admin, "/v1/admin/tenants");
        String wrong = get(viaBalancer(OUTSIDE), "vg_not-a-real-token", "/v1/admin/tenants");

        assertThat(refused).startsWith("HTTP/1.1 401");
        assertThat(body(refused)).as("no detail that tells the token was right").isEqualTo(body(wrong));
        assertThat(refused).doesNotContainIgnoringCase("source").doesNotContain("root");
        assertThat(auditedFailures()).anySatisfy(event -> assertThat(event)
                .contains("root", OUTSIDE, "SOURCE_NOT_ALLOWED"));
        assertThat(gateway.core().metrics().registry().counter("vaultgate.auth.failures", "protocol", "https",
                "reason", "source_not_allowed").count()).isEqualTo(1.0);
    }

    @Test
    void anAdminTokenFromTheHost_works_directly_andThroughTheBalancer() throws Exception {
        assertThat(get(direct("127.0.0.2"), admin, "/v1/admin/tenants")).startsWith("HTTP/1.1 200");
        assertThat(get(viaBalancer("127.0.0.5"), admin, "/v1/admin/tenants")).startsWith("HTTP/1.1 200");
    }

    @Test
    void aClientsTokenFromOutside_isNotLimitedByTheAdminNetworks() throws Exception {
        assertThat(get(viaBalancer(OUTSIDE), gateway.token(), "/v1/files/inbox/")).startsWith("HTTP/1.1 200");
    }

    private Socket direct(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
        return socket;
    }

    /** A connection from the trusted balancer whose PROXY v1 header names {@code client}. */
    private Socket viaBalancer(String client) throws IOException {
        Socket socket = direct(BALANCER);
        socket.getOutputStream().write(("PROXY TCP4 " + client + " 127.0.0.1 40000 443\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The whole answer to one GET with {@code token} over TLS on {@code connected}, which it closes. */
    private String get(Socket connected, String token, String path) throws IOException {
        try (SSLSocket tls = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket(connected, "127.0.0.1", gateway.port(), true)) {
            tls.setSoTimeout(30_000);
            tls.startHandshake();
            tls.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            return readAll(tls.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }

    /** The catalog's {@code auth.failed} records, actor and event. */
    private List<String> auditedFailures() throws Exception {
        List<String> events = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("core/catalog.db"));
             ResultSet rows = db.createStatement().executeQuery("SELECT actor || ' ' || event FROM audit_events "
                     + "WHERE kind = 'auth.failed' ORDER BY seq")) {
            while (rows.next()) {
                events.add(rows.getString(1));
            }
        }
        return events;
    }
}
