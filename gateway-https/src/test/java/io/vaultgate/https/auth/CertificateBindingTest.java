package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Under {@code https.client-certificates.mode: required} a client account's token or password stands only on a
 * connection whose certificate is registered to that same account (review33 L5): not with another account's
 * certificate, nor with one revoked from its account. Under {@code optional} the header wins as before.
 */
class CertificateBindingTest {

    @TempDir
    Path home;

    private TestCore test;
    private X509Certificate aliceCertificate;
    private X509Certificate bobCertificate;
    private String aliceToken;

    @BeforeEach
    void twoAccountsWithACertificateEach() {
        test = TestCore.create(home);
        ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);
        test.client("globex", "bob", Protocol.HTTPS);
        var clients = TestTls.clientCa("Client CA");
        aliceCertificate = clients.issueClient("alice", Duration.ofDays(1)).certificate();
        bobCertificate = clients.issueClient("bob", Duration.ofDays(1)).certificate();
        test.core().administration().addClientCertificate("alice", aliceCertificate);
        test.core().administration().addClientCertificate("bob", bobCertificate);
        aliceToken = test.core().administration().issueAccountToken(alice.name(), "test");
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void required_anotherAccountsCertificateWithAToken_is401_andAuditedAsAMismatch() {
        HttpProblem refused = catchThrowableOfType(HttpProblem.class,
                () -> required().authenticate(bearer(aliceToken), over(bobCertificate, "198.51.100.7")));

        assertThat(refused.status().code()).isEqualTo(401);
        assertThat(test.auditOf(TenantId.of("acme"))).contains("CERTIFICATE_MISMATCH");
        assertThat(required().authenticate(bearer(aliceToken), over(aliceCertificate, "198.51.100.8")).name())
                .isEqualTo("alice");
    }

    @Test
    void optional_anotherAccountsCertificateWithAToken_actsAsTheTokensAccount() {
        HttpAuthentication optional = new HttpAuthentication(test.core().authenticator(), false);

        assertThat(optional.authenticate(bearer(aliceToken), over(bobCertificate, "198.51.100.9")).name())
                .isEqualTo("alice");
    }

    @Test
    void required_aCertificateRevokedFromItsAccount_noLongerOpensTheGateForTheAccountsToken() {
        assertThat(required().authenticate(bearer(aliceToken), over(aliceCertificate, "198.51.100.10")).name())
                .isEqualTo("alice");
        test.core().incidents().revocation().revokeCertificate("alice", Fingerprints.sha256(aliceCertificate),
                "laptop lost", "cli:test");

        HttpProblem refused = catchThrowableOfType(HttpProblem.class,
                () -> required().authenticate(bearer(aliceToken), over(aliceCertificate, "198.51.100.11")));

        assertThat(refused.status().code()).isEqualTo(401);
    }

    private HttpAuthentication required() {
        return new HttpAuthentication(test.core().authenticator(), true);
    }

    private static Peer over(X509Certificate certificate, String address) {
        return new Peer(address, Optional.of(certificate));
    }

    private static HttpHeaders bearer(String token) {
        return new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
}
