package io.vaultgate.server.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PROXY protocol behind the real HAProxy: the gateway (in-process, as {@code vaultgate run} starts it) trusts
 * 127.0.0.1 (HAProxy's side of its connections) and denies 127.0.0.2 ({@code access.defender.deny}). Clients (the
 * real OpenSSH {@code ssh} and {@code curl}) connect through HAProxy from 127.0.0.2 and 127.0.0.3: only the first is
 * refused, so the gateway judged each client's own address, not the balancer's. HAProxy sends v2 headers to the SFTP
 * listener and v1 headers to the HTTPS one. Direct connections prove the security rule: a PROXY header from an
 * untrusted address is refused (even one naming an admitted client), and a trusted address must send one.
 */
class ProxyProtocolIT {

    private static final String DENIED = "127.0.0.2";
    private static final String ADMITTED = "127.0.0.3";
    private static final String UNTRUSTED = "127.0.0.5";
    private static final String BALANCER = "127.0.0.1";

    @TempDir
    static Path dir;
    private static VaultgateApplication app;
    private static Process haproxy;
    private static int sftpFront;
    private static int httpsFront;

    @BeforeAll
    static void start() throws Exception {
        app = VaultgateApplication.start(ConfigLoader.load(Optional.empty(), Map.of(), Map.of(
                "home", dir.resolve("home").toString(),
                "sftp.bind", "127.0.0.1", "sftp.port", "0", "https.bind", "127.0.0.1", "https.port", "0",
                "ops.port", "0", "access.defender.deny", DENIED + "/32",
                "sftp.proxy-protocol.trusted", BALANCER + "/32", "https.proxy-protocol.trusted", BALANCER + "/32")),
                Map.of());
        sftpFront = GatewayProcess.freePort();
        httpsFront = GatewayProcess.freePort();
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, String.join("\n",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 30s",
                "    timeout server 30s",
                "frontend sftp",
                "    bind 127.0.0.1:" + sftpFront,
                "    default_backend vaultgate_sftp",
                "frontend https",
                "    bind 127.0.0.1:" + httpsFront,
                "    default_backend vaultgate_https",
                "backend vaultgate_sftp",
                "    server node1 127.0.0.1:" + app.sftpPort().orElseThrow() + " send-proxy-v2",
                "backend vaultgate_https",
                "    server node1 127.0.0.1:" + app.httpsPort().orElseThrow() + " send-proxy",
                ""));
        haproxy = new ProcessBuilder(HaproxyBalancer.BINARY.toString(), "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(GatewayProcess.logFile("haproxy-proxy-protocol").toFile())
                .start();
        awaitListening(sftpFront);
        awaitListening(httpsFront);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (haproxy != null) {
            haproxy.destroy();
            if (!haproxy.waitFor(10, TimeUnit.SECONDS)) {
                haproxy.destroyForcibly();
            }
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void sftpThroughHaproxy_theDefenderJudgesEachClientsOwnAddress() throws Exception {
        assertThat(ssh(ADMITTED, sftpFront)).contains("Permission denied");
        assertThat(ssh(DENIED, sftpFront)).doesNotContain("Permission denied").containsIgnoringCase("closed");
        assertThat(ssh(ADMITTED, sftpFront)).as("one refused client does not affect the next")
                .contains("Permission denied");
    }

    @Test
    void sftpThroughHaproxy_theAuditRecordsTheClientsAddress() throws Exception {
        Path key = dir.resolve("client-key");
        if (!Files.exists(key)) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        }
        run(List.of("ssh", "-F", "/dev/null", "-o", "BindAddress=" + ADMITTED, "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-i", key.toString(), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=10", "-p", String.valueOf(sftpFront),
                "sftp-audit-probe@127.0.0.1", "true"));

        assertThat(auditEventsNaming("sftp-audit-probe")).isNotEmpty().allMatch(e -> e.contains(ADMITTED))
                .noneMatch(e -> e.contains(BALANCER));
    }

    @Test
    void httpsThroughHaproxy_theAuditRecordsTheClientsAddress() throws Exception {
        run(List.of("curl", "-s", "-o", "/dev/null", "--max-time", "10", "--interface", ADMITTED,
                "--cacert", app.dataDirectory().caCertificate().toString(),
                "-H", "Authorization: Bearer vg_not-a-real-token-proxy-probe",
                "https://127.0.0.1:" + httpsFront + "/v1/files/probe.txt"));

        List<String> failures = auditEventsNaming("auth.failed");
        assertThat(failures).anyMatch(e -> e.contains("\"" + ADMITTED + "\""))
                .noneMatch(e -> e.contains("\"" + BALANCER + "\""));
    }

    @Test
    void httpsThroughHaproxy_theDefenderJudgesEachClientsOwnAddress() throws Exception {
        assertThat(curl(ADMITTED, httpsFront)).matches("[1-5]\\d\\d");
        assertThat(curl(DENIED, httpsFront)).isEqualTo("000");
        assertThat(curl(ADMITTED, httpsFront)).matches("[1-5]\\d\\d");
    }

    @Test
    void untrustedPeerSendingAProxyHeader_isClosed_evenNamingAnAdmittedClient() throws Exception {
        int sftp = app.sftpPort().orElseThrow();
        int https = app.httpsPort().orElseThrow();
        String v1 = "PROXY TCP4 " + ADMITTED + " 127.0.0.1 40000 " + sftp + "\r\n";

        assertThat(closedAfterSending(DENIED, sftp, v1 + "SSH-2.0-OpenSSH_9.2\r\n")).isTrue();
        assertThat(closedAfterSending(UNTRUSTED, sftp, v1 + "SSH-2.0-OpenSSH_9.2\r\n")).isTrue();
        assertThat(closedAfterSending(UNTRUSTED, https, v1)).isTrue();
        assertThat(closedAfterSending(UNTRUSTED, sftp, "SSH-2.0-OpenSSH_9.2\r\n"))
                .as("without a header an untrusted address is served as before").isFalse();
        assertThat(curl(UNTRUSTED, app.httpsPort().orElseThrow())).matches("[1-5]\\d\\d");
        assertThat(curl(DENIED, app.httpsPort().orElseThrow())).isEqualTo("000");
    }

    @Test
    void trustedPeerWithoutAProxyHeader_isClosed() throws Exception {
        assertThat(closedAfterSending(BALANCER, app.sftpPort().orElseThrow(), "SSH-2.0-OpenSSH_9.2\r\n")).isTrue();
        assertThat(curl(BALANCER, app.httpsPort().orElseThrow())).isEqualTo("000");
        assertThat(closedAfterSending(BALANCER, app.sftpPort().orElseThrow(),
                "PROXY TCP4 " + ADMITTED + " 127.0.0.1 40000\r\nSSH-2.0-OpenSSH_9.2\r\n"))
                .as("a malformed header (a field missing)").isTrue();
        int https = app.httpsPort().orElseThrow();
        assertThat(closedAfterSending(BALANCER, https, "PROXY TCP4 " + ADMITTED + " 127.0.0.1 40000\r\n"))
                .as("a malformed header to HTTPS").isTrue();
        assertThat(closedAfterSending(BALANCER, https, "PROXY TCP4 " + "1".repeat(300)))
                .as("an oversized header to HTTPS").isTrue();
    }

    @Test
    void shippedHaproxyExample_sendsAProxyHeaderOnEveryServerLine() throws IOException {
        List<String> servers = Files.readAllLines(HaproxyBalancer.EXAMPLE).stream()
                .filter(line -> line.strip().startsWith("server ")).toList();
        assertThat(servers).isNotEmpty().allMatch(line -> line.contains(" send-proxy-v2"));
    }

    /** The audit events (kind and JSON) in the catalog that mention {@code text}. */
    private static List<String> auditEventsNaming(String text) throws Exception {
        List<String> events = new ArrayList<>();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                + dir.resolve("home").resolve("catalog.db"));
             java.sql.ResultSet rows = db.createStatement().executeQuery("SELECT kind, event FROM audit_events")) {
            while (rows.next()) {
                String event = rows.getString(1) + " " + rows.getString(2);
                if (event.contains(text)) {
                    events.add(event);
                }
            }
        }
        return events;
    }

    /** OpenSSH from {@code source}, no keys, batch mode: an admitted client gets as far as "Permission denied". */
    private static String ssh(String source, int port) throws IOException, InterruptedException {
        return run(List.of("ssh", "-F", "/dev/null", "-o", "BindAddress=" + source, "-o", "BatchMode=yes",
                "-o", "PubkeyAuthentication=no", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "ConnectTimeout=10", "-p", String.valueOf(port), "nobody@127.0.0.1", "true"));
    }

    /** curl from {@code source}: the HTTP status, or 000 if the connection was closed before any response. */
    private static String curl(String source, int port) throws IOException, InterruptedException {
        return run(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                "--interface", source, "--cacert", app.dataDirectory().caCertificate().toString(),
                "https://127.0.0.1:" + port + "/v1/auth/banner")).strip();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return output;
    }

    /** Whether the gateway closes a raw connection from {@code source} after these bytes (false: still open at 4 s). */
    private static boolean closedAfterSending(String source, int port, String bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.getOutputStream().write(bytes.getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(4000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // drain the server's identification and key exchange
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return !(reset instanceof java.net.ConnectException);
        }
    }

    private static void awaitListening(int port) throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (!haproxy.isAlive()) {
                    throw new IllegalStateException("haproxy exited: " + new ArrayList<>(List.of(haproxy.exitValue())));
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("haproxy is not listening on " + port);
    }
}
