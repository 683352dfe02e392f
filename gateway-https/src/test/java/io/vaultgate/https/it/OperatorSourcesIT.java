package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.https.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * A site's operators log in over HTTPS only from the site's networks ({@code vaultgate site set SITE
 * --allow-sources}): the operator's API token from a socket bound to a listed loopback address (127.0.0.2) reads its
 * batches, from an unlisted one (127.0.0.3) it is refused as a wrong token is (401, the same body), on the operator
 * API and at the token exchange ({@code POST /v1/auth/token}, refused before its code is looked at), audited {@code
 * SOURCE_NOT_ALLOWED} and counted. A tenant's client is not bound by the site's list. Before, an operator's token
 * worked from anywhere (review33 M1).
 */
class OperatorSourcesIT {

    @TempDir
    Path dir;
    private TestGateway gateway;
    private String operator;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        gateway.core().sites().createSite("manila", "Manila");
        gateway.core().sites().createOperator("manila", "manila-op");
        operator = gateway.core().sites().issueOperatorToken("manila-op", "test");
        gateway.core().sites().setAllowedSources("manila", List.of(Cidr.parse("127.0.0.2/32")));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anOperatorsToken_worksFromTheSitesNetworks_andIsRefusedLikeAWrongOneFromElsewhere() throws Exception {
        assertThat(send(from("127.0.0.2"), "GET", "/v1/batches", operator, null)).startsWith("HTTP/1.1 200");

        String refused = send(from("127.0.0.3"), "GET", "/v1/batches", operator, null);
        String wrong = send(from("127.0.0.4"), "GET", "/v1/batches", "vg_not-a-real-token", null);
        assertThat(refused).startsWith("HTTP/1.1 401");
        assertThat(body(refused)).as("no detail that tells the token was right").isEqualTo(body(wrong));
        assertThat(refused).doesNotContain("manila");
        assertThat(auditedFailures()).anySatisfy(event -> assertThat(event)
                .contains("manila-op", "127.0.0.3", "SOURCE_NOT_ALLOWED"));
        assertThat(gateway.core().metrics().registry().counter("vaultgate.auth.failures", "protocol", "https",
                "reason", "source_not_allowed").count()).isEqualTo(1.0);
    }

    @Test
    void theTokenExchange_refusesAnOperatorsTokenFromElsewhere_beforeItsCode() throws Exception {
        String refused = send(from("127.0.0.3"), "POST", "/v1/auth/token", operator, "123456");

        assertThat(refused).startsWith("HTTP/1.1 401");
        assertThat(auditedFailures()).filteredOn(event -> event.contains("manila-op")).singleElement()
                .satisfies(event -> assertThat(event).contains("127.0.0.3", "SOURCE_NOT_ALLOWED"));
    }

    @Test
    void aClientsToken_isNotBoundByTheSitesList() throws Exception {
        assertThat(send(from("127.0.0.3"), "GET", "/v1/files/inbox/", gateway.token(), null))
                .startsWith("HTTP/1.1 200");
        assertThat(gateway.principal().protocol()).isEqualTo(Protocol.HTTPS);
    }

    /**
     * The admin API's site resource: {@code GET /v1/admin/sites[/{site}]} shows the list, {@code PATCH} changes it (a
     * bad entry is 400 and changes nothing), audited as the administrator; the change binds the next login at once.
     */
    @Test
    void theAdminApi_showsAndChangesASitesNetworks() throws Exception {
        String admin = gateway.core().incidents().administrators().add("root", "cli");

        assertThat(send(from("127.0.0.1"), "GET", "/v1/admin/sites", admin, null))
                .startsWith("HTTP/1.1 200").contains("{\"id\":\"manila\",\"name\":\"Manila\"")
                .contains("\"sealed\":false,\"allowedSources\":[\"127.0.0.2/32\"]");
        assertThat(patch(admin, "{\"allowedSources\":[\"127.0.0.3/32\",\"not-a-network\"]}"))
                .startsWith("HTTP/1.1 400").contains("allowedSources", "not an IP address");
        assertThat(send(from("127.0.0.1"), "GET", "/v1/admin/sites/manila", admin, null))
                .as("unchanged").contains("\"allowedSources\":[\"127.0.0.2/32\"]");
        assertThat(send(from("127.0.0.3"), "GET", "/v1/batches", operator, null)).startsWith("HTTP/1.1 401");

        assertThat(patch(admin, "{\"allowedSources\":[\"127.0.0.3/32\"]}")).startsWith("HTTP/1.1 200")
                .contains("\"allowedSources\":[\"127.0.0.3/32\"]");
        assertThat(send(from("127.0.0.3"), "GET", "/v1/batches", operator, null)).startsWith("HTTP/1.1 200");
        assertThat(send(from("127.0.0.2"), "GET", "/v1/batches", operator, null)).startsWith("HTTP/1.1 401");
        assertThat(patch(admin, "{\"allowedSources\":[]}")).contains("\"allowedSources\":[]");
        assertThat(send(from("127.0.0.2"), "GET", "/v1/batches", operator, null)).startsWith("HTTP/1.1 200");
        assertThat(send(from("127.0.0.1"), "GET", "/v1/admin/sites/nowhere", admin, null))
                .startsWith("HTTP/1.1 404");
        assertThat(siteUpdates()).containsExactly(
                "cli site manila operator sources [127.0.0.2/32] (was any)",
                "admin:root site manila operator sources [127.0.0.3/32] (was [127.0.0.2/32])",
                "admin:root site manila operator sources any (was [127.0.0.3/32])");
    }

    private String patch(String admin, String json) throws IOException {
        try (SSLSocket tls = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket(from("127.0.0.1"), "127.0.0.1", gateway.port(), true)) {
            tls.setSoTimeout(30_000);
            tls.startHandshake();
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            tls.getOutputStream().write(("PATCH /v1/admin/sites/manila HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + admin + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().write(body);
            tls.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            tls.getInputStream().transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    /** Actor and subject of every {@code SITE_UPDATED} record, in order. */
    private List<String> siteUpdates() throws Exception {
        List<String> updates = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("core/catalog.db"));
             ResultSet rows = db.createStatement().executeQuery("SELECT actor, event FROM audit_events "
                     + "WHERE kind = 'admin.change' ORDER BY seq")) {
            while (rows.next()) {
                String event = rows.getString(2);
                if (event.contains("\"SITE_UPDATED\"")) {
                    int start = event.indexOf("\"subject\":\"") + 11;
                    updates.add(rows.getString(1) + " " + event.substring(start, event.indexOf('"', start)));
                }
            }
        }
        return updates;
    }

    private Socket from(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5000);
        return socket;
    }

    /** The whole answer to one request with {@code token} (and a TOTP code, if any) over TLS on {@code connected}. */
    private String send(Socket connected, String method, String path, String token, String code) throws IOException {
        try (SSLSocket tls = (SSLSocket) gateway.tls().clientContext("TLS").getSocketFactory()
                .createSocket(connected, "127.0.0.1", gateway.port(), true)) {
            tls.setSoTimeout(30_000);
            tls.startHandshake();
            tls.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                    + "\r\n" + (code == null ? "" : "Vaultgate-TOTP: " + code + "\r\n")
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            tls.getInputStream().transferTo(all);
            return all.toString(StandardCharsets.UTF_8);
        }
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
