package io.vaultgate.core.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.AccessPolicy;
import io.vaultgate.core.auth.AuthFailure;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TotpCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment, one-time use, clock skew and the MFA policy at login, against a real core. */
class MfaTest {

    @TempDir
    Path home;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:10Z"));

    private TestCore core() {
        return TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64).withAccess(
                AccessPolicy.defaults().withMfa(MfaPolicy.defaults().requiring(Set.of(Role.OPERATOR)))), clock);
    }

    @Test
    void rightCodeOnce_wrongCode_replayedCode_andSkewBeyondTheWindow() {
        try (TestCore test = core()) {
            OperatorPrincipal maria = test.operator("manila", "maria", Protocol.SFTP);
            Enrollment enrollment = test.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");
            byte[] key = TotpCodes.decode(enrollment.secret());
            long now = Totp.step(clock.instant());
            var auth = test.core().authenticator();

            assertThat(auth.byTotp(maria, wrong(Totp.code(key, now)), Protocol.SFTP, "127.0.0.1"))
                    .isEqualTo(new AuthResult.Failure("maria", AuthFailure.MFA_FAILED));
            assertThat(auth.byTotp(maria, Totp.code(key, now - 2), Protocol.SFTP, "127.0.0.1"))
                    .as("two steps behind: beyond the ±1 window").isInstanceOf(AuthResult.Failure.class);
            assertThat(auth.byTotp(maria, Totp.code(key, now + 2), Protocol.SFTP, "127.0.0.1"))
                    .as("two steps ahead").isInstanceOf(AuthResult.Failure.class);
            assertThat(auth.byTotp(maria, Totp.code(key, now), Protocol.SFTP, "127.0.0.1"))
                    .isInstanceOf(AuthResult.Success.class);
            assertThat(auth.byTotp(maria, Totp.code(key, now), Protocol.SFTP, "127.0.0.1"))
                    .as("replayed").isEqualTo(new AuthResult.Failure("maria", AuthFailure.MFA_FAILED));
            assertThat(auth.byTotp(maria, Totp.code(key, now - 1), Protocol.SFTP, "127.0.0.1"))
                    .as("older than the one used").isInstanceOf(AuthResult.Failure.class);

            clock.advance(Duration.ofSeconds(30));
            assertThat(auth.byTotp(maria, Totp.code(key, now + 1), Protocol.SFTP, "127.0.0.1"))
                    .as("the next step's code").isInstanceOf(AuthResult.Success.class);
        }
    }

    @Test
    void enrollment_printsAnOtpauthUri_andTheCatalogHoldsOnlyTheWrappedSecret() throws Exception {
        try (TestCore test = core()) {
            test.operator("manila", "maria", Protocol.SFTP);
            Enrollment enrollment = test.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");

            assertThat(enrollment.uri()).startsWith("otpauth://totp/Vaultgate%3Amaria?secret=" + enrollment.secret())
                    .contains("&issuer=Vaultgate&algorithm=SHA1&digits=6&period=30");
            assertThat(enrollment.toString()).doesNotContain(enrollment.secret());
            try (var files = java.nio.file.Files.list(home)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("catalog.db")).toList()) {
                    String text = new String(java.nio.file.Files.readAllBytes(file),
                            java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertThat(text).as(file.toString()).doesNotContain(enrollment.secret())
                            .doesNotContain(java.util.Base64.getEncoder().encodeToString(
                                    TotpCodes.decode(enrollment.secret())));
                }
            }
        }
    }

    @Test
    void enrollingSomeoneWhoDoesNotExist_isRefused() {
        try (TestCore test = core()) {
            assertThatThrownBy(() -> test.core().incidents().mfa().enroll(Role.OPERATOR, "nobody", "cli:test"))
                    .isInstanceOf(GatewayException.class).hasMessageContaining("no operator named nobody");
        }
    }

    @Test
    void overHttps_anOperatorsLongLivedToken_needsTheTotpExchange() {
        try (TestCore test = core()) {
            test.operator("manila", "maria", Protocol.HTTPS);
            String token = test.core().sites().issueOperatorToken("maria", "test");
            byte[] key = TotpCodes.decode(test.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "t").secret());
            var auth = test.core().authenticator();

            assertThat(auth.byToken(token, Protocol.HTTPS, "127.0.0.1"))
                    .isEqualTo(new AuthResult.Failure("maria", AuthFailure.MFA_REQUIRED));
            AuthResult exchanged = auth.byTokenAndTotp(token, Totp.code(key, Totp.step(clock.instant())),
                    Protocol.HTTPS, "127.0.0.1");
            assertThat(exchanged).isInstanceOf(AuthResult.Success.class);
            Mfa.IssuedToken session = test.core().authenticator().access()
                    .issueSessionToken(((AuthResult.Success) exchanged).principal()).orElseThrow();
            assertThat(auth.byToken(session.token(), Protocol.HTTPS, "127.0.0.1")).isInstanceOf(AuthResult.Success.class);

            clock.advance(Duration.ofMinutes(16));
            assertThat(auth.byToken(session.token(), Protocol.HTTPS, "127.0.0.1")).as("expired")
                    .isInstanceOf(AuthResult.Failure.class);
        }
    }

    private static String wrong(String code) {
        return code.equals("000000") ? "000001" : "000000";
    }
}
