package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.pki.Fingerprints;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.testing.TestTls;
import io.vaultgate.https.testing.TokenAuthenticator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which credential a request is authenticated by: the Authorization header first, then a verified certificate. */
class CertificateLoginTest {

    private static final ClientPrincipal BOB = new ClientPrincipal("b1", "bob", TenantId.of("acme"), Protocol.HTTPS);
    private static final X509Certificate REGISTERED = TestTls.clientCa("Client CA").issueClient("bob", Duration.ofDays(1))
            .certificate();
    private static final X509Certificate UNREGISTERED = TestTls.clientCa("Client CA").issueClient("eve", Duration.ofDays(1))
            .certificate();

    private final CertificateAuthenticator authenticator = new CertificateAuthenticator();
    private final HttpAuthentication authentication = new HttpAuthentication(authenticator);

    @Test
    void noHeader_withARegisteredCertificate_logsInAsItsAccount() {
        Peer peer = new Peer("192.0.2.7", Optional.of(REGISTERED));

        assertThat(authentication.authenticate(new DefaultHttpHeaders(), peer)).isEqualTo(BOB);
        assertThat(authenticator.asked).containsExactly(Fingerprints.sha256(REGISTERED) + " HTTPS 192.0.2.7");
    }

    @Test
    void aHeader_winsOverTheCertificate_andTheCertificateIsNotAsked() {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION,
                "Bearer " + TokenAuthenticator.TOKEN);

        assertThat(authentication.authenticate(headers, new Peer("192.0.2.7", Optional.of(REGISTERED))))
                .isEqualTo(TokenAuthenticator.ALICE);
        assertThat(authenticator.asked).isEmpty();
    }

    @Test
    void aRefusedHeader_is401_evenWithARegisteredCertificate() {
        HttpHeaders headers = new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer vg_wrong");

        HttpProblem problem = refused(headers, new Peer("192.0.2.7", Optional.of(REGISTERED)));

        assertThat(challenges(problem)).contains("Bearer realm=\"vaultgate\", error=\"invalid_token\"");
        assertThat(authenticator.asked).isEmpty();
    }

    @Test
    void noHeader_withAnUnregisteredCertificate_answersLikeNoCredentials() {
        HttpProblem withCertificate = refused(new DefaultHttpHeaders(), new Peer("192.0.2.7", Optional.of(UNREGISTERED)));
        HttpProblem without = refused(new DefaultHttpHeaders(), Peer.at("192.0.2.7"));

        assertThat(withCertificate.status().code()).isEqualTo(401);
        assertThat(withCertificate.getMessage()).isEqualTo(without.getMessage());
        assertThat(challenges(withCertificate)).isEqualTo(challenges(without)).containsExactly(
                "Bearer realm=\"vaultgate\"", "Basic realm=\"vaultgate\", charset=\"UTF-8\"");
        assertThat(authenticator.asked).hasSize(1);
    }

    @Test
    void noHeader_andNoCertificate_is401_withoutAskingTheCore() {
        assertThat(refused(new DefaultHttpHeaders(), Peer.at("192.0.2.7")).status().code()).isEqualTo(401);
        assertThat(authenticator.asked).isEmpty();
    }

    private HttpProblem refused(HttpHeaders headers, Peer peer) {
        Throwable thrown = catchThrowable(() -> authentication.authenticate(headers, peer));
        assertThat(thrown).isInstanceOf(HttpProblem.class);
        return (HttpProblem) thrown;
    }

    private static List<String> challenges(HttpProblem problem) {
        return problem.headers().getAll(HttpHeaderNames.WWW_AUTHENTICATE);
    }

    /** The token authenticator plus one registered certificate (bob's); records every certificate it is asked about. */
    private static final class CertificateAuthenticator implements Authenticator {

        final List<String> asked = new ArrayList<>();
        private final TokenAuthenticator tokens = new TokenAuthenticator();

        @Override
        public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String sourceAddress) {
            return tokens.byPublicKey(username, fingerprint, protocol, sourceAddress);
        }

        @Override
        public AuthResult byPassword(String username, char[] password, Protocol protocol, String sourceAddress) {
            return tokens.byPassword(username, password, protocol, sourceAddress);
        }

        @Override
        public AuthResult byToken(String token, Protocol protocol, String sourceAddress) {
            return tokens.byToken(token, protocol, sourceAddress);
        }

        @Override
        public AuthResult byCertificate(String sha256Fingerprint, Protocol protocol, String sourceAddress) {
            asked.add(sha256Fingerprint + " " + protocol + " " + sourceAddress);
            return sha256Fingerprint.equals(Fingerprints.sha256(REGISTERED)) ? new AuthResult.Success(BOB)
                    : new AuthResult.Failure(null, AuthFailure.UNKNOWN_USER);
        }
    }
}
