package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.TestKeystore;
import io.vaultgate.server.Vaultgate;
import io.vaultgate.server.VaultgateApplication;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops listener with {@code ops.tls: true} serves a certificate renewed with {@code vaultgate tls issue} to new
 * connections without a restart, as the HTTPS front-end does, through the same watcher: with the HTTPS front-end on
 * (one reload counted for both listeners) and off (the watcher runs for the ops listener alone).
 */
class OpsCertificateReloadTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /**
     * How often the watcher looks at the files here: a change is served at its second look, 2-4 s after the write at
     * the production interval (2 s); the key and the certificate are renamed into place microseconds apart.
     */
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

    @ParameterizedTest(name = "https.enabled={0}")
    @ValueSource(booleans = {true, false})
    void renewedCertificate_isServedToNewOpsConnections_withoutRestart(boolean https) throws Exception {
        // one front-end must be on: SFTP stands in for HTTPS when it is off
        VaultgateConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString(),
                "sftp.enabled", String.valueOf(!https), "sftp.bind", "127.0.0.1", "sftp.port", "0",
                "https.enabled", String.valueOf(https), "https.bind", "127.0.0.1", "https.port", "0",
                "ops.port", "0", "ops.tls", "true"));
        TestKeystore.seed(config);
        app = VaultgateApplication.start(config, Map.of(), LOOKS);
        int port = app.opsPort().orElseThrow();
        X509Certificate ca = Pem.readCertificates(home.resolve("tls/ca.crt")).get(0);
        String before = served(ca, port);

        cli("tls", "issue");
        String issued = Fingerprints.sha256(Pem.readCertificates(home.resolve("tls/server.crt")).get(0));
        assertThat(issued).isNotEqualTo(before);

        String seen = before;
        Instant deadline = Instant.now().plus(PATIENCE);
        // the counter counts up just after the swap: both are awaited (review32 L2)
        while ((!seen.equals(issued) || reloads("reloaded") < 1) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            seen = served(ca, port);
        }
        assertThat(seen).as("the ops listener serves the renewed certificate within %s, without a restart",
                PATIENCE).isEqualTo(issued);
        assertThat(reloads("reloaded")).as("one change of the files, one reload").isEqualTo(1);
        assertThat(reloads("refused")).isZero();
    }

    private double reloads(String result) {
        return app.core().metrics().registry().get("vaultgate.https.certificate.reloads").tag("result", result)
                .counter().count();
    }

    private void cli(String... args) {
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--home", home.toString())).toArray(String[]::new);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Vaultgate.execute(all, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(code).as(out + "" + err).isZero();
    }

    /**
     * The fingerprint of the certificate a new connection to the ops listener gets, from a new client context each
     * time (no session of an earlier connection is resumed with the certificate it had).
     */
    private static String served(X509Certificate ca, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting(ca).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return Fingerprints.sha256((X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    private static SSLContext trusting(X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
