package io.vaultgate.https.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.HttpsServer;
import io.vaultgate.https.HttpsServices;
import io.vaultgate.https.HttpsSettings;
import io.vaultgate.https.TlsMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpsServer#replaceTls}: a running listener serves a renewed certificate to the connections it accepts after
 * the replacement, over real TLS on loopback, while a connection opened before keeps the one it was handshaken with.
 */
class CertificateReplacementTest {

    @TempDir
    Path dir;
    private TestCore core;
    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (core != null) {
            core.close();
        }
    }

    @Test
    void replacedCertificate_servedToNewConnections_openOnesKeepTheOld() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("Replacement Test CA", Duration.ofDays(1),
                new SecureRandom(), Clock.systemUTC());
        IssuedCertificate first = ca.issueServer("first", List.of("localhost"), List.of("127.0.0.1"),
                Duration.ofDays(1));
        IssuedCertificate renewed = ca.issueServer("renewed", List.of("localhost", "gw.example.com"),
                List.of("127.0.0.1"), Duration.ofDays(2));
        core = TestCore.create(Files.createDirectories(dir.resolve("core")));
        GatewayCore gateway = core.core();
        server = HttpsServer.start(HttpsSettings.defaults(TlsMaterial.of(first.privateKey(), first.chain()))
                .withAddress("127.0.0.1", 0), new HttpsServices(gateway.authenticator(), gateway.files(),
                gateway.ingest(), gateway.batches(), gateway.receipts()));
        SSLContext client = trusting(ca.certificate());

        try (SSLSocket before = connect(client, "localhost")) {
            assertThat(served(before)).isEqualTo(Fingerprints.sha256(first.certificate()));

            server.replaceTls(TlsMaterial.of(renewed.privateKey(), renewed.chain()));

            try (SSLSocket after = connect(client, "gw.example.com")) {
                assertThat(served(after)).as("a connection accepted after the replacement")
                        .isEqualTo(Fingerprints.sha256(renewed.certificate()));
            }
            assertThat(served(before)).as("the connection opened before").isEqualTo(
                    Fingerprints.sha256(first.certificate()));
        }
    }

    private SSLSocket connect(SSLContext context, String hostName) throws Exception {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(hostName)));
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name must be in the certificate
        socket.setSSLParameters(parameters);
        socket.setSoTimeout(30_000);
        socket.startHandshake();
        return socket;
    }

    private static String served(SSLSocket socket) throws Exception {
        return Fingerprints.sha256((X509Certificate) socket.getSession().getPeerCertificates()[0]);
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), new SecureRandom());
        return context;
    }
}
