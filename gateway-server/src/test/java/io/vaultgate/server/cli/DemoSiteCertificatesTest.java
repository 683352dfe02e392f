package io.vaultgate.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.CoreResources;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import io.vaultgate.server.config.ConfigLoader;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F11: the demo site's certificates were issued for 30 days, exactly the window within which {@code status}
 * and {@code doctor} warn, so a fresh demo raised a certificate alert at once and {@code doctor} named it. They now
 * outlast that window, like the gateway's own HTTPS certificate.
 */
class DemoSiteCertificatesTest {

    private static final Duration ALERT_WINDOW = Duration.ofDays(30);

    @TempDir
    Path home;

    @Test
    void aFreshDemoSite_hasNoCertificateWithinTheAlertWindow() throws Exception {
        CliHarness cli = new CliHarness(home);
        assertThat(cli.init().exitCode()).isZero();
        DataDirectory directory = new DataDirectory(ConfigLoader.load(Optional.empty(), Map.of(),
                Map.of("home", home.toString())));
        X509Certificate receiverCertificate;
        try (CoreResources gateway = AcmeHome.open(home)) {
            new DemoSetup().ensure(gateway.core().administration(), gateway.core().sites(), directory);
            try (DemoSite site = DemoSite.start(gateway.core(), directory)) {
                receiverCertificate = serverCertificate(site, directory);
            }
        }
        Instant alertFrom = Instant.now().plus(ALERT_WINDOW).plus(Duration.ofDays(1));

        assertThat(receiverCertificate.getNotAfter().toInstant()).as("the demo site's server certificate")
                .isAfter(alertFrom);
        String doctor = cli.run("doctor", "--min-free", "0").out();
        assertThat(doctor).as("the gateway's client certificate for the demo site, and every other certificate")
                .contains("demo-credentials").doesNotContain("certificate-expiry");
    }

    /** The demo site receiver's certificate, read in a handshake it then ends (this client has no certificate). */
    private static X509Certificate serverCertificate(DemoSite site, DataDirectory directory) throws Exception {
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", Pem.readCertificates(directory.caCertificate()).get(0));
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(anchors);
        X509TrustManager pkix = (X509TrustManager) factory.getTrustManagers()[0];
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        X509TrustManager recording = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkClientTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                pkix.checkServerTrusted(chain, authType);
                seen.set(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {recording}, null);
        try (Socket plain = new Socket(site.address().getAddress(), site.address().getPort());
             SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost",
                     site.address().getPort(), true)) {
            socket.setSoTimeout(30_000);
            socket.startHandshake();
        } catch (java.io.IOException refusedWithoutAClientCertificate) {
            // the receiver wants the gateway's client certificate; its own was read before that
        }
        assertThat(seen.get()).as("the receiver's certificate, trusted through the gateway CA").isNotNull();
        return seen.get();
    }
}
