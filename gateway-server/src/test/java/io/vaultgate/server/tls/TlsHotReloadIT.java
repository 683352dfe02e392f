package io.vaultgate.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * uxreview F3 end to end: a running gateway (as {@code vaultgate run} starts it, on free loopback ports) refuses a
 * client that connects by gw.example.com; after {@code vaultgate tls issue --name gw.example.com}, without a restart,
 * the same client (JDK, with SNI and hostname verification, and curl with {@code --resolve}) gets the new
 * certificate; a corrupt replacement then leaves the gateway serving the good one.
 */
class TlsHotReloadIT {

    private static final String NAME = "gw.example.com";
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** How often the watcher looks at the files here (2 s in production): a change is served at its second look. */
    private static final Duration LOOKS = Duration.ofMillis(250);

    @TempDir
    Path home;
    private VaultgateApplication app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void issuedCertificate_isServedWithoutRestart_andACorruptOneIsNot() throws Exception {
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString(),
                "sftp.enabled", "false", "https.bind", "127.0.0.1", "https.port", "0", "ops.port", "0"));
        TestKeystore.seed(config);
        app = VaultgateApplication.start(config, Map.of(), LOOKS);
        int port = app.httpsPort().orElseThrow();
        Path caCertificate = home.resolve("tls/ca.crt");
        SSLContext client = trusting(Pem.readCertificates(caCertificate).get(0));
        assertThatThrownBy(() -> served(client, port)).as("before: the certificate does not name " + NAME)
                .isInstanceOf(SSLHandshakeException.class);
        assertThat(curl(caCertificate, port)).as("curl before").isEqualTo("000");

        cli("tls", "issue", "--name", NAME);
        String issued = Fingerprints.sha256(Pem.readCertificates(home.resolve("tls/server.crt")).get(0));

        Instant deadline = Instant.now().plus(PATIENCE);
        String seen = null;
        while (seen == null && Instant.now().isBefore(deadline)) {
            try {
                seen = served(client, port);
            } catch (SSLHandshakeException notYet) {
                Thread.sleep(200);
            }
        }
        assertThat(seen).as("served within %s, without a restart", PATIENCE).isEqualTo(issued);
        assertThat(curl(caCertificate, port)).as("curl --resolve after: TLS passes, the API asks for a token")
                .isEqualTo("401");

        Files.writeString(home.resolve("tls/server.crt"), "-----BEGIN CERTIFICATE-----\ngarbage\n");
        double refused = 0;
        deadline = Instant.now().plus(PATIENCE);
        while (refused < 1 && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            refused = app.core().metrics().registry().get("vaultgate.https.certificate.reloads")
                    .tag("result", "refused").counter().count();
        }
        assertThat(refused).as("the corrupt file was looked at and refused").isEqualTo(1);
        assertThat(served(client, port)).as("still the good certificate").isEqualTo(issued);
    }

    private void cli(String... args) {
        String[] all = List.of(List.of(args), List.of("--home", home.toString())).stream().flatMap(List::stream)
                .toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(all, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "" + err).isZero();
    }

    /** The fingerprint of the certificate the gateway serves to a client that connects by {@link #NAME}. */
    private static String served(SSLContext context, int port) throws Exception {
        // the peer host is the name too: the JDK falls back to it when the SNI name does not match
        InetAddress byName = InetAddress.getByAddress(NAME, new byte[] {127, 0, 0, 1});
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(byName, port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(NAME)));
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            return Fingerprints.sha256((X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    /** curl's HTTP status for {@code https://gw.example.com:port/v1/files/} resolved to loopback; 000 if TLS failed. */
    private static String curl(Path caCertificate, int port) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "30",
                "--cacert", caCertificate.toString(), "--resolve", NAME + ":" + port + ":127.0.0.1",
                "https://" + NAME + ":" + port + "/v1/files/").redirectErrorStream(true).start();
        try {
            assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
            return new String(curl.getInputStream().readAllBytes()).strip();
        } finally {
            curl.destroyForcibly();
        }
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
