package io.vaultgate.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ops.tls}: the ops listener negotiates only the gateway's AEAD suites, like the HTTPS front-end. */
class OpsTlsTest {

    private static OpsServer server;
    private static SSLContext client;

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create("ops test CA", Duration.ofDays(1), new SecureRandom(),
                Clock.systemUTC());
        IssuedCertificate leaf = ca.issueServer("ops", List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
        server = OpsServer.start(new OpsSettings("127.0.0.1", 0, Duration.ZERO,
                        Optional.of(OpsTls.serverContext(leaf.privateKey(), leaf.chain()))),
                new OpsServices(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> { }, new RefusingAuthenticator(),
                        () -> {
                            throw new IllegalStateException("not asked for in this test");
                        }, List.of()), Clock.systemUTC());
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        anchors.load(null, null);
        anchors.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(anchors);
        client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"})
    void tls12ClientOfferingOnlyACbcSuite_failsTheHandshake(String suite) {
        assertThatThrownBy(() -> handshake("TLSv1.2", suite)).isInstanceOf(SSLException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"})
    void tls12ClientOfferingAnAeadSuite_getsIt(String suite) throws Exception {
        assertThat(handshake("TLSv1.2", suite)).isEqualTo(suite);
    }

    @Test
    void tls13_works() throws Exception {
        assertThat(handshake("TLSv1.3", "TLS_AES_128_GCM_SHA256")).isEqualTo("TLS_AES_128_GCM_SHA256");
    }

    /** The suite negotiated by a client offering only {@code suite} over {@code protocol}. */
    private static String handshake(String protocol, String suite) throws Exception {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }
}
