package io.vaultgate.core.mfa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.kek.KekRefusals;
import io.vaultgate.core.kek.KeystoreBehindCatalog;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import io.vaultgate.core.testing.TotpCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TOTP secrets are wrapped by the gateway's own KEK {@value MfaSecrets#KEK} in the key provider, made on the first
 * enrollment. With the keystore provider every node holds its own copy of {@code kek.p12}: node B, whose copy was
 * taken before node A's first enrollment, must not make a second, different version 1 of that KEK (secrets enrolled
 * on B would unwrap on no other node, and on B neither once A's keystore is copied over it). It refuses to enroll
 * until A's keystore is copied; then secrets enrolled on either node verify on both. SQLite and, with
 * {@code -Dvaultgate.test.catalog=postgresql}, PostgreSQL.
 */
class MfaSecretAcrossNodesTest {

    @TempDir
    Path home;
    private TestCore nodeA;
    private TestCore nodeB;

    @BeforeEach
    void twoNodesWithTheirOwnKeystores() throws IOException {
        nodeA = TestCore.create(home);
        nodeB = nodeA.secondNode();
    }

    @AfterEach
    void close() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
    }

    @Test
    void nodeBRefusesToEnrollWithASecondMfaKek_untilItHasNodeAsKeystore_thenSecretsVerifyOnBothNodes()
            throws IOException {
        OperatorPrincipal maria = nodeA.operator("manila", "maria", Protocol.SFTP);
        OperatorPrincipal bob = nodeA.operator("manila", "bob", Protocol.SFTP);
        Enrollment ofMaria = nodeA.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");

        assertThatThrownBy(() -> nodeB.core().incidents().mfa().enroll(Role.OPERATOR, "bob", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.CONFLICT);
                    assertThat(e.getCause()).isInstanceOf(KeystoreBehindCatalog.class);
                    assertThat(e.clientMessage()).contains(MfaSecrets.KEK, "copy keys/kek.p12");
                });
        assertThat(nodeB.keys().versions(MfaSecrets.KEK)).as("B made no KEK of its own").isEmpty();

        nodeA.copyKeystoreTo(nodeB);
        Enrollment ofBob = nodeB.core().incidents().mfa().enroll(Role.OPERATOR, "bob", "cli:test");

        assertThat(nodeA.core().incidents().mfa().verify(bob, TotpCodes.now(ofBob.secret(), Instant.now()))).isTrue();
        assertThat(nodeB.core().incidents().mfa().verify(maria, TotpCodes.now(ofMaria.secret(), Instant.now())))
                .isTrue();
    }

    /**
     * A TOTP login on a node whose keystore copy lacks the MFA KEK is refused as a keystore behind the catalog:
     * counted ({@code vaultgate_kek_refusals_total{reason="keystore_behind"}}, which the alert on out-of-step
     * keystores watches), logged once with the fix, the client told to retry; the same code then logs in once the
     * keystore is copied. Before, the unwrap's {@code KeyNotFound} ("no KEK vaultgate.mfa/v1 in this keystore")
     * escaped the login: an internal error over HTTPS, counted nowhere.
     */
    @Test
    void aTotpLoginOnANodeLackingTheMfaKek_isRefusedAsKeystoreBehind_untilItIsCopied() throws IOException {
        OperatorPrincipal maria = nodeA.operator("manila", "maria", Protocol.SFTP);
        Enrollment ofMaria = nodeA.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");
        String code = TotpCodes.now(ofMaria.secret(), Instant.now());

        assertThatThrownBy(() -> nodeB.core().authenticator().byTotp(maria, code, Protocol.SFTP, "203.0.113.1"))
                .isInstanceOfSatisfying(GatewayException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.UNAVAILABLE);
                    assertThat(e.getCause()).isInstanceOf(KeystoreBehindCatalog.class);
                    assertThat(e.getMessage()).contains(MfaSecrets.KEK, "copy keys/kek.p12");
                    assertThat(e.clientMessage()).isEqualTo(MfaSecrets.CHECK_UNAVAILABLE);
                });
        assertThat(nodeB.core().metrics().registry().get(KekRefusals.METER).tag("reason", KekRefusals.BEHIND)
                .counter().count()).isEqualTo(1.0);

        nodeA.copyKeystoreTo(nodeB);
        assertThat(nodeB.core().authenticator().byTotp(maria, code, Protocol.SFTP, "203.0.113.1"))
                .isInstanceOf(AuthResult.Success.class);
    }
}
