package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.pki.Pem;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plain forwarding to a server that is not ours: Debian's nginx with WebDAV {@code PUT} and
 * {@code ssl_verify_client on}, started on a loopback port. nginx answers 201/204 without a digest, so the
 * site is configured without site digests.
 */
class NginxForwardIT {

    @TempDir
    Path home;
    private ForwardFixture fixture;
    private Process nginx;
    private Path www;
    private Forwarder forwarder;

    @BeforeEach
    void startNginx() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/nginx")), "nginx is not installed");
        fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        Path root = Files.createDirectories(home.resolve("nginx"));
        www = Files.createDirectories(root.resolve("www"));
        Files.createDirectories(root.resolve("tmp"));
        fixture.siteServer.write(root.resolve("server.key"), root.resolve("server.pem"));
        Pem.writeCertificates(root.resolve("clients.pem"), List.of(fixture.gatewayCa.certificate()));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        Files.writeString(root.resolve("nginx.conf"), user + "worker_processes 1;\ndaemon off;\n"
                + "pid " + root.resolve("nginx.pid") + ";\nerror_log " + root.resolve("error.log") + ";\n"
                + "events {}\nhttp {\n access_log off;\n client_body_temp_path " + root.resolve("tmp") + ";\n"
                + " server {\n  listen 127.0.0.1:" + port + " ssl;\n"
                + "  ssl_certificate " + root.resolve("server.pem") + ";\n  ssl_certificate_key "
                + root.resolve("server.key") + ";\n  ssl_protocols TLSv1.2 TLSv1.3;\n"
                + "  ssl_client_certificate " + root.resolve("clients.pem") + ";\n  ssl_verify_client on;\n"
                + "  client_max_body_size 0;\n  root " + www + ";\n"
                + "  location /dav/ { dav_methods PUT; create_full_put_path on; }\n }\n}\n");
        nginx = new ProcessBuilder("nginx", "-p", root.toString(), "-c", root.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("stdout.log").toFile()).start();
        waitForPort(port, root);
        fixture.admin.configureSite(new SiteForwarding(ForwardFixture.SITE, URI.create("https://127.0.0.1:" + port
                + "/dav"), List.of(fixture.siteCa.certificate()), fixture.clientCertificate.chain(), fixture.clientKey,
                Optional.empty(), 4, false));
        forwarder = fixture.forwarder("node-a");
    }

    @AfterEach
    void stop() throws Exception {
        if (forwarder != null) {
            forwarder.close();
        }
        if (nginx != null) {
            nginx.destroy();
            nginx.waitFor(10, TimeUnit.SECONDS);
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void multiMegabyteFile_isStoredByNginx_byteForByte() throws Exception {
        byte[] content = fixture.randomBytes(6 * 1024 * 1024 + 5);
        FileRecord file = fixture.uploadAndQueue("/inbox/big.bin", content);

        assertThat(forwarder.runDue()).isEqualTo(1);

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.DELIVERED);
        assertThat(fixture.job(file).siteDigest()).isEmpty();
        assertThat(Files.readAllBytes(www.resolve("dav/files/" + file.id()))).isEqualTo(content);
    }

    @Test
    void clientCertificateNginxDoesNotTrust_storesNothing() throws Exception {
        CertificateAuthority stranger = CertificateAuthority.create("Stranger", Duration.ofDays(1), fixture.random,
                fixture.clock);
        Path key = home.resolve("keys/stranger.key");
        IssuedCertificate foreign = fixture.admin.issueClientCertificate(ForwardFixture.SITE, stranger, key,
                Duration.ofDays(1));
        SiteForwarding current = fixture.admin.site(ForwardFixture.SITE).orElseThrow();
        fixture.admin.configureSite(new SiteForwarding(current.siteId(), current.endpoint(), current.trustAnchors(),
                foreign.chain(), key, Optional.empty(), 4, false));
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", "secret".getBytes());

        forwarder.runDue();

        assertThat(fixture.job(file).state()).isEqualTo(ForwardState.PENDING);
        assertThat(fixture.job(file).lastError()).hasValueSatisfying(error -> assertThat(error).contains("400"));
        assertThat(Files.exists(www.resolve("dav/files/" + file.id()))).isFalse();
    }

    private static void waitForPort(int port, Path root) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("nginx did not start: " + Files.readString(root.resolve("stdout.log")));
    }
}
