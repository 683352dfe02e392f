package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The forwarder's TLS policy holds with BoringSSL (netty-tcnative) and with the JDK's TLS alike: pinned
 * anchors only, host name checked, CRLs fail closed, the gateway's client certificate presented, TLS 1.3/1.2
 * with AEAD suites only; a refused site receives nothing. And the fallback to the JDK when BoringSSL cannot load.
 */
@CatalogIndependent
class SiteTlsTest {

    @TempDir
    Path home;
    private SitePki pki;
    private SiteStub site;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() {
        pki = new SitePki(home, new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS)));
    }

    @AfterEach
    void stop() {
        if (site != null) {
            site.close();
        }
        threads.shutdownNow();
        timer.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void trustedSite_receivesTheFiles_onOneConnection_andItsCertificateFingerprintIsKept(SiteTlsProvider provider)
            throws Exception {
        site = pki.stub();
        byte[] body = pki.randomBytes(300_000);

        List<SiteAnswer> answers = put(provider, settings(site.endpoint(), pki.siteCa.certificate(),
                List.of()), body, 2);

        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(201);
            assertThat(answer.header(ForwardProtocol.REPR_DIGEST)).contains(ForwardProtocol.reprDigest(sha256(body)));
            assertThat(answer.siteCertificateSha256())
                    .contains(HexFormat.of().formatHex(sha256(pki.siteServer.certificate().getEncoded())));
        });
        assertThat(site.received()).hasSize(2).allSatisfy(r -> assertThat(r.sha256())
                .isEqualTo(HexFormat.of().formatHex(sha256(body))));
        assertThat(site.received().get(1).clientPort()).as("kept alive").isEqualTo(site.received().get(0).clientPort());
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteCertificateFromAnotherCa_isRefused_andNothingIsSent(SiteTlsProvider provider) throws Exception {
        site = pki.stub();
        assertRefused(provider, settings(site.endpoint(), pki.gatewayCa.certificate(), List.of()),
                "certification path");
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void expiredSiteCertificate_isRefused(SiteTlsProvider provider) throws Exception {
        MutableClock lastWeek = new MutableClock(Instant.now().minus(Duration.ofDays(7)));
        CertificateAuthority ca = CertificateAuthority.create("Old site CA", Duration.ofDays(30), pki.random,
                lastWeek);
        site = new SiteStub(ca.issueServer("old", List.of(), List.of("127.0.0.1"), Duration.ofDays(1)),
                pki.gatewayCa.certificate());
        assertRefused(provider, settings(site.endpoint(), ca.certificate(), List.of()), "validity check failed");
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteCertificateForAnotherName_isRefused(SiteTlsProvider provider) throws Exception {
        site = new SiteStub(pki.siteCa.issueServer("elsewhere", List.of("elsewhere.example"), List.of(),
                Duration.ofDays(1)), pki.gatewayCa.certificate());
        assertRefused(provider, settings(site.endpoint(), pki.siteCa.certificate(), List.of()),
                "No subject alternative names matching IP address 127.0.0.1");
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void revokedSiteCertificate_isRefused(SiteTlsProvider provider) throws Exception {
        site = pki.stub();
        assertRefused(provider, settings(site.endpoint(), pki.siteCa.certificate(),
                List.of(Crls.revoking(pki.siteCa, pki.siteServer.certificate()))), "revoked");
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteCertificateWithoutACurrentCrlOfItsCa_isRefused(SiteTlsProvider provider) throws Exception {
        site = pki.stub();
        assertRefused(provider, settings(site.endpoint(), pki.siteCa.certificate(),
                List.of(Crls.revoking(pki.gatewayCa))), "revocation status");
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteNotRevoked_isAccepted_whenRevocationIsChecked(SiteTlsProvider provider) throws Exception {
        site = pki.stub();
        assertThat(put(provider, settings(site.endpoint(), pki.siteCa.certificate(),
                List.of(Crls.revoking(pki.siteCa))), new byte[10], 1).get(0).status()).isEqualTo(201);
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteThatDistrustsTheGatewaysClientCertificate_storesNothing(SiteTlsProvider provider) throws Exception {
        site = new SiteStub(pki.siteServer, pki.siteCa.certificate());
        SiteForwarding settings = settings(site.endpoint(), pki.siteCa.certificate(), List.of());
        assertThatThrownBy(() -> put(provider, settings, new byte[100_000], 1)).isInstanceOf(IOException.class);
        assertThat(site.received()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteOfferingOnlyCbcSuites_isRefused(SiteTlsProvider provider) throws Exception {
        site = new SiteStub(pki.siteServer, pki.gatewayCa.certificate(), only("TLSv1.2",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384"));
        assertRefused(provider, settings(site.endpoint(), pki.siteCa.certificate(), List.of()), null);
    }

    @ParameterizedTest
    @EnumSource(SiteTlsProvider.class)
    void siteSpeakingOnlyTls12_isReached_withAnAeadSuite(SiteTlsProvider provider) throws Exception {
        site = new SiteStub(pki.siteServer, pki.gatewayCa.certificate(), only("TLSv1.2",
                "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        assertThat(put(provider, settings(site.endpoint(), pki.siteCa.certificate(), List.of()), new byte[10], 1)
                .get(0).status()).isEqualTo(201);
    }

    @Test
    void openSslEngines_enableOnlyTls13And12_andAeadSuites() throws Exception {
        SSLEngine engine = SiteTls.openSslContext(settings(URI.create("https://127.0.0.1:1"),
                pki.siteCa.certificate(), List.of())).newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
        try {
            // Netty lists the pseudo-protocol SSLv2Hello for every OpenSSL engine; BoringSSL never sends such a hello.
            assertThat(engine.getEnabledProtocols()).filteredOn(p -> !p.equals("SSLv2Hello"))
                    .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            assertThat(engine.getEnabledCipherSuites()).isNotEmpty().allSatisfy(suite ->
                    assertThat(SiteTls.CIPHER_SUITES).contains(suite));
        } finally {
            io.netty.util.ReferenceCountUtil.safeRelease(engine);
        }
    }

    @Test
    void withoutOpenSsl_theJdksTlsIsUsed_andAskingForTheJdkIsHonoured() {
        assertThat(SiteTlsProvider.choose("", false, new UnsatisfiedLinkError("no netty_tcnative")))
                .isEqualTo(SiteTlsProvider.JDK);
        assertThat(SiteTlsProvider.choose("openssl", false, null)).isEqualTo(SiteTlsProvider.JDK);
        assertThat(SiteTlsProvider.choose("jdk", true, null)).isEqualTo(SiteTlsProvider.JDK);
        assertThat(SiteTlsProvider.choose("", true, null)).isEqualTo(SiteTlsProvider.OPENSSL);
        assertThatThrownBy(() -> SiteTlsProvider.choose("bogus", true, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SiteTlsProvider.PROPERTY);
    }

    @Test
    void openSsl_loadsHere_soTheForwarderUsesIt() {
        // The build machines and CI ship netty-tcnative for linux-x86_64: the fast path is what the tests run.
        assertThat(SiteTlsProvider.preferred()).isEqualTo(SiteTlsProvider.OPENSSL);
    }

    private static UnaryOperator<SSLParameters> only(String protocol, String... suites) {
        return parameters -> {
            parameters.setProtocols(new String[] {protocol});
            parameters.setCipherSuites(suites);
            return parameters;
        };
    }

    private SiteForwarding settings(URI endpoint, X509Certificate trust, List<X509CRL> crls) {
        return new SiteForwarding(ForwardFixture.SITE, endpoint, List.of(trust), pki.clientCertificate.chain(),
                pki.clientKey, Optional.empty(), 4, true, crls);
    }

    /** The handshake fails with a TLS error naming {@code reason} (if given), and the site received nothing. */
    private void assertRefused(SiteTlsProvider provider, SiteForwarding settings, String reason) {
        assertThatThrownBy(() -> put(provider, settings, new byte[1000], 1)).isInstanceOf(SSLException.class)
                .satisfies(e -> {
                    if (reason != null) {
                        assertThat(messages(e)).containsIgnoringCase(reason);
                    }
                });
        assertThat(site.received()).isEmpty();
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append(" | ");
        }
        return all.toString();
    }

    /** PUTs {@code body} {@code times} times on the site's kept-alive connections. */
    private List<SiteAnswer> put(SiteTlsProvider provider, SiteForwarding settings, byte[] body, int times)
            throws Exception {
        try (SiteConnections connections = new SiteConnections(settings,
                SiteTls.connector(settings, pki.random, provider), Duration.ofSeconds(5), timer)) {
            List<SiteAnswer> answers = new java.util.ArrayList<>();
            for (int i = 0; i < times; i++) {
                Map<String, String> head = new LinkedHashMap<>();
                head.put(ForwardProtocol.IDEMPOTENCY_KEY, "f_" + i);
                answers.add(new Http1Put(timer).send(connections, "/site/files/f_" + i, head, prepared(body),
                        System.nanoTime() + Duration.ofSeconds(20).toNanos()));
            }
            return answers;
        }
    }

    private PreparedBody prepared(byte[] body) {
        return PreparedBody.prepare(new BytesBody(body), threads);
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
