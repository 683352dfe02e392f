package io.vaultgate.https.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.Authenticator;
import io.vaultgate.core.mfa.MfaPolicy;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.https.http.HttpProblem;
import io.vaultgate.https.http.Peer;
import io.vaultgate.https.http.ProblemType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a TOTP code, a right password (or a valid long-lived token) of a role that requires MFA gets exactly the
 * answer of a wrong one, so guessing the password of an MFA account over HTTPS never tells which guess was right;
 * the one answer names the token exchange, which is how a legitimate client of such a role logs in. A password the
 * core had no free check for is 503 with Retry-After: unchecked, not wrong.
 */
class RefusedLoginAnswerTest {

    private static final String PASSWORD = "correct horse battery";

    @TempDir
    Path home;

    private TestCore test;
    private HttpAuthentication authentication;

    @BeforeEach
    void clientAccountRequiringMfa() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.CLIENT)))));
        test.core().administration().createTenant(TenantId.of("acme"), "Acme", true);
        test.core().administration().createAccount(TenantId.of("acme"), "acme-up");
        test.core().administration().setPassword("acme-up", PASSWORD.toCharArray());
        authentication = new HttpAuthentication(test.core().authenticator());
    }

    @AfterEach
    void close() {
        test.close();
    }

    @Test
    void basicWithTheRightPasswordOfAnMfaAccount_isAnsweredAsAWrongOne() {
        List<String> right = answer(refused(basic("acme-up", PASSWORD), "198.51.100.1"));
        List<String> wrong = answer(refused(basic("acme-up", "correct horse batterY"), "198.51.100.2"));
        List<String> unknown = answer(refused(basic("nobody", PASSWORD), "198.51.100.3"));

        assertThat(right).isEqualTo(wrong).isEqualTo(unknown);
        assertThat(right.get(0)).isEqualTo("401 " + ProblemType.UNAUTHORIZED);
        assertThat(right.get(1)).as("names the way in for a role that requires MFA").contains(TokenApi.PATH);
    }

    @Test
    void aLongLivedTokenOfAnMfaRole_isAnsweredAsAnInvalidToken() {
        String token = test.core().administration().issueAccountToken("acme-up", "laptop");

        assertThat(answer(refused(bearer(token), "198.51.100.4")))
                .isEqualTo(answer(refused(bearer("vg_not-a-token"), "198.51.100.5")))
                .isEqualTo(answer(refused(basic("acme-up", "correct horse batterY"), "198.51.100.6")));
    }

    @Test
    void aPasswordTheCoreHadNoFreeCheckFor_is503WithRetryAfter_notACredentialRefusal() {
        Authenticator busy = new Authenticator() {
            @Override
            public AuthResult byPublicKey(String username, String fingerprint, Protocol protocol, String source) {
                return new AuthResult.Failure(username, AuthFailure.METHOD_NOT_ALLOWED);
            }

            @Override
            public AuthResult byPassword(String username, char[] password, Protocol protocol, String source) {
                return new AuthResult.Failure(username, AuthFailure.PASSWORD_CHECK_BUSY);
            }

            @Override
            public AuthResult byToken(String token, Protocol protocol, String source) {
                return new AuthResult.Failure(null, AuthFailure.BAD_CREDENTIAL);
            }
        };
        HttpProblem problem = refused(new HttpAuthentication(busy), basic("acme-up", PASSWORD), "198.51.100.7");

        assertThat(problem.type()).isEqualTo(ProblemType.UNAVAILABLE);
        assertThat(problem.status().code()).isEqualTo(503);
        assertThat(problem.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        assertThat(problem.headers().contains(HttpHeaderNames.WWW_AUTHENTICATE)).as("no credential was refused")
                .isFalse();
    }

    private HttpProblem refused(HttpHeaders headers, String source) {
        return refused(authentication, headers, source);
    }

    private static HttpProblem refused(HttpAuthentication authentication, HttpHeaders headers, String source) {
        Throwable thrown = catchThrowable(() -> authentication.authenticate(headers, Peer.at(source)));
        assertThat(thrown).isInstanceOf(HttpProblem.class);
        return (HttpProblem) thrown;
    }

    /** All a client sees of a refusal: status and type, detail, headers. */
    private static List<String> answer(HttpProblem problem) {
        return List.of(problem.status().code() + " " + problem.type(), problem.getMessage(),
                problem.headers().entries().stream().map(header -> header.getKey() + ": " + header.getValue())
                        .toList().toString());
    }

    private static HttpHeaders basic(String username, String password) {
        return new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpHeaders bearer(String token) {
        return new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
    }
}
