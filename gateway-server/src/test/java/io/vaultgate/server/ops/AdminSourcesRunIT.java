package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code access.admin-sources} end to end, through the configuration as {@code vaultgate run} reads it: the gateway
 * started (VaultgateApplication) with {@code access.admin-sources: 127.0.0.1/32, ::1}, and the administrator's token
 * from {@code secrets/admin.token} sent from sockets bound to loopback addresses. From 127.0.0.1 (listed) the admin
 * API (HTTPS) and the ops listener answer it; from 127.0.0.2 (loopback too, but not listed) the admin API answers 401
 * and the ops listener 403, as for a wrong token. With the default (all of 127.0.0.0/8) 127.0.0.2 is admitted: the
 * refusal is the setting's (review33 M1, slice 3).
 */
class AdminSourcesRunIT {

    private static final String LISTED = "127.0.0.1";
    private static final String UNLISTED = "127.0.0.2";

    @TempDir
    Path home;

    @Test
    void anAdminToken_isAnsweredFromAListedAddress_andRefusedFromAnUnlistedOne_onTheAdminApiAndTheOpsListener()
            throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of("access.admin-sources", "127.0.0.1/32, ::1"))) {
            assertThat(adminApi(gateway, LISTED, gateway.adminToken)).startsWith("HTTP/1.1 200");
            assertThat(ops(gateway, LISTED, gateway.adminToken)).startsWith("HTTP/1.1 200");

            String refused = adminApi(gateway, UNLISTED, gateway.adminToken);
            String wrong = adminApi(gateway, UNLISTED, "vg_not-a-real-token");
            assertThat(refused).startsWith("HTTP/1.1 401");
            assertThat(body(refused)).as("the answer of a wrong token").isEqualTo(body(wrong));
            assertThat(ops(gateway, UNLISTED, gateway.adminToken)).startsWith("HTTP/1.1 403");

            assertThat(gateway.app.core().metrics().registry().counter("vaultgate.auth.failures", "protocol", "https",
                    "reason", "source_not_allowed").count()).as("both refusals counted").isEqualTo(2.0);
        }
    }

    @Test
    void byDefault_everyLoopbackAddress_isAnAdminNetwork() throws Exception {
        try (RunningGateway gateway = new RunningGateway(home, Map.of())) {
            assertThat(adminApi(gateway, UNLISTED, gateway.adminToken)).startsWith("HTTP/1.1 200");
            assertThat(ops(gateway, UNLISTED, gateway.adminToken)).startsWith("HTTP/1.1 200");
        }
    }

    /** The doctor's {@code admin-sources} finding is logged as a warning at start-up; none for loopback or with MFA. */
    @Test
    void anAdminNetworkWithoutMfa_isWarnedAboutAtStartUp() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                io.vaultgate.server.VaultgateApplication.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            try (RunningGateway gateway = new RunningGateway(home.resolve("open"),
                    Map.of("access.admin-sources", "127.0.0.0/8, ::1, 10.20.0.0/24"))) {
                assertThat(warnings(logged)).anySatisfy(line -> assertThat(line).startsWith("admin-sources: "
                        + "access.admin-sources 127.0.0.0/8, 0:0:0:0:0:0:0:1/128, 10.20.0.0/24: an administrator's "
                        + "token alone is accepted from beyond the gateway's host; require a TOTP code"));
            }
            logged.list.clear();
            try (RunningGateway gateway = new RunningGateway(home.resolve("mfa"), Map.of("access.admin-sources",
                    "0.0.0.0/0, ::/0", "access.mfa.required-for", "admin"))) {
                assertThat(warnings(logged)).noneSatisfy(line -> assertThat(line).contains("admin-sources"));
            }
        } finally {
            log.detachAppender(logged);
        }
    }

    private static java.util.List<String> warnings(
            ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged) {
        return logged.list.stream().filter(event -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    }

    /** {@code GET /v1/admin/tenants} over TLS from {@code source}: the whole answer. */
    private static String adminApi(RunningGateway gateway, String source, String token) throws Exception {
        int port = gateway.app.httpsPort().orElseThrow();
        try (Socket plain = connect(source, port);
             SSLSocket tls = (SSLSocket) StatusClient.trusting(gateway.app.dataDirectory().caCertificate()).getSocketFactory()
                     .createSocket(plain, "127.0.0.1", port, true)) {
            tls.setSoTimeout(60_000);
            tls.startHandshake();
            return exchange(tls, "/v1/admin/tenants", token);
        }
    }

    /** {@code GET /status.json} on the ops listener (plain HTTP) from {@code source}: the whole answer. */
    private static String ops(RunningGateway gateway, String source, String token) throws Exception {
        try (Socket socket = connect(source, gateway.opsPort())) {
            socket.setSoTimeout(60_000);
            return exchange(socket, "/status.json", token);
        }
    }

    private static Socket connect(String source, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        return socket;
    }

    private static String exchange(Socket socket, String path, String token) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        socket.getInputStream().transferTo(all);
        return all.toString(StandardCharsets.UTF_8);
    }

    private static String body(String answer) {
        return answer.substring(answer.indexOf("\r\n\r\n") + 4);
    }
}
