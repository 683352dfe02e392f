package io.vaultgate.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.batch.BatchState;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.mfa.Role;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.session.LiveSessions;
import io.vaultgate.core.session.SessionReaper;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.Race;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offboarding an operator: no way back in, held work returned to the site, sessions ended everywhere, audited. */
class OperatorRemovalTest {

    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDIvUwHQUML42rolDMC49L7aVCfbleBARwdJHVyHfQko";

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T09:00:00Z"));
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private TestCore test;
    private ClientPrincipal uploader;
    private OperatorPrincipal maria;
    private OperatorPrincipal marco;
    private String fingerprint;
    private String token;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        uploader = test.client("acme", "acme-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        marco = test.operator("manila", "marco", Protocol.SFTP);
        fingerprint = test.core().sites().addOperatorSshKey("maria", KEY).fingerprint();
        token = test.core().sites().issueOperatorToken("maria", "laptop");
        test.core().incidents().mfa().enroll(Role.OPERATOR, "maria", "cli:test");
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aRemovedOperator_cannotLogInWithItsKeyOrToken_andItsTotpSecretIsGone() {
        assertThat(test.core().authenticator().byPublicKey("maria", fingerprint, Protocol.SFTP, "127.0.0.1"))
                .isInstanceOf(AuthResult.Success.class);
        assertThat(test.core().authenticator().byToken(token, Protocol.HTTPS, "127.0.0.1"))
                .isInstanceOf(AuthResult.Success.class);

        Offboarding.RemovedOperator removed = removal().removeOperator("maria", "left the company", "cli:test");

        assertThat(removed.siteId()).isEqualTo("manila");
        assertThat(removed.credentialsRevoked()).as("key, token and TOTP secret").isEqualTo(3);
        assertThat(test.core().authenticator().byPublicKey("maria", fingerprint, Protocol.SFTP, "127.0.0.1"))
                .isInstanceOf(AuthResult.Failure.class);
        assertThat(test.core().authenticator().byToken(token, Protocol.HTTPS, "127.0.0.1"))
                .isInstanceOf(AuthResult.Failure.class);
        long secrets = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM mfa_secrets "
                + "WHERE principal_name = ?", "maria"));
        assertThat(secrets).isZero();
    }

    @Test
    void aRemovedOperatorsUsername_isNeverGivenToAnyoneElse_andTheListShowsOnlyActiveOperators() {
        removal().removeOperator("maria", "left the company", "cli:test");

        assertThat(removal().operators(Optional.of("manila"))).extracting(row -> row.username())
                .containsExactly("marco");
        assertThatThrownBy(() -> test.core().sites().createOperator("manila", "maria"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CONFLICT));
        assertThatThrownBy(() -> test.core().sites().addOperatorSshKey("maria", KEY))
                .as("nothing can be added to a removed operator")
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }

    @Test
    void theBatchesTheOperatorHeld_goBackToTheSite_forAnotherOperatorToClaim() {
        String batch = readyBatch("/inbox/a.csv");
        test.core().batches().claim(maria, batch);

        Offboarding.RemovedOperator removed = removal().removeOperator("maria", "left the company", "cli:test");

        assertThat(removed.batchesReleased()).containsExactly(batch);
        assertThat(test.core().batches().claim(marco, batch).state()).isEqualTo(BatchState.CLAIMED);
        assertThat(auditKinds()).contains("batch.released");
    }

    @Test
    void aRemovedOperatorsSessionThatHasNotEndedYet_claimsNothing() {
        String batch = readyBatch("/inbox/a.csv");

        removal().removeOperator("maria", "left the company", "cli:test");

        assertThatThrownBy(() -> test.core().batches().claim(maria, batch))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.ACCESS_DENIED));
        assertThat(test.core().batches().claim(marco, batch).claimedBy()).contains(marco.operatorId());
    }

    /** On PostgreSQL both run at once; the operator row's lock decides, and a removed operator never keeps work. */
    @Test
    void aClaimRacingTheOperatorsRemoval_neverLeavesTheBatchWithTheRemovedOperator() throws Exception {
        for (int i = 0; i < 10; i++) {
            int round = i;
            OperatorPrincipal racer = test.operator("manila", "racer-" + i, Protocol.SFTP);
            String batch = readyBatch("/inbox/race-" + i + ".csv");

            Race.run(() -> test.core().batches().claim(racer, batch),
                    () -> removal().removeOperator(racer.name(), "race", "cli:test"));

            assertThat(test.core().batches().byTenant(TenantId.of("acme"))).filteredOn(b -> b.id().equals(batch))
                    .singleElement().satisfies(b -> assertThat(b.claimedBy()).as("round %d", round).isEmpty());
        }
    }

    @Test
    void twoRemovalsAtOnce_removeOnce() throws Exception {
        Race.Outcome removals = Race.run(() -> removal().removeOperator("maria", "one", "cli:test"),
                () -> removal().removeOperator("maria", "two", "cli:test"));

        assertThat(removals.exactlyOne()).as(removals.toString()).isTrue();
        long deleted = test.database().read(jdbc -> jdbc.count("SELECT COUNT(*) FROM audit_events "
                + "WHERE kind = 'admin.change' AND event LIKE '%ACCOUNT_DELETED%'"));
        assertThat(deleted).isEqualTo(1);
    }

    @Test
    void theOperatorsSessions_endAtOnceOnThisNode_andOnAnotherAtItsNextRound() {
        LiveSessions here = test.core().incidents().sessions();
        LiveSessions otherNode = new LiveSessions(clock);
        SessionReaper otherReaper = new SessionReaper(test.database(), test.core().audit(), otherNode,
                Duration.ofMillis(500));
        register(here, maria, Credentials.sshKey(fingerprint), "maria here");
        register(here, marco, "key:marco", "marco here");
        register(otherNode, maria, Credentials.sshKey(fingerprint), "maria there");
        register(otherNode, marco, "key:marco", "marco there");
        assertThat(otherReaper.round()).isZero();
        clock.advance(Duration.ofMinutes(1));

        Offboarding.RemovedOperator removed = removal().removeOperator("maria", "left the company", "cli:test");

        assertThat(removed.sessionsEnded()).isEqualTo(1);
        assertThat(ended).containsExactly("maria here");
        otherReaper.round();
        assertThat(ended).containsExactlyInAnyOrder("maria here", "maria there");
    }

    @Test
    void removingIsAudited_andNeedsAReason_andAnOperatorThatExists() {
        assertThatThrownBy(() -> removal().removeOperator("maria", " ", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST));
        removal().removeOperator("maria", "left the company", "cli:test");

        assertThatThrownBy(() -> removal().removeOperator("maria", "again", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        assertThatThrownBy(() -> removal().removeOperator("nobody", "typo", "cli:test"))
                .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
        List<String> subjects = test.database().read(jdbc -> jdbc.query(
                "SELECT event FROM audit_events WHERE kind = 'admin.change' ORDER BY seq", row -> row.getString(1)));
        assertThat(subjects).anyMatch(event -> event.contains("ACCOUNT_DELETED")
                && event.contains("operator maria of manila: left the company"));
        assertThat(subjects).anyMatch(event -> event.contains("CREDENTIAL_REVOKED") && event.contains(fingerprint));
    }

    /** A READY batch of site manila holding one new file of acme (a route of one file per batch). */
    private String readyBatch(String path) {
        if (test.core().sites().routes(TenantId.of("acme")).isEmpty()) {
            test.core().sites().addRoute(TenantId.of("acme"), "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1,
                    0, Duration.ZERO);
        }
        try (Upload upload = test.core().ingest().open(uploader, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
        return test.core().batches().byTenant(TenantId.of("acme")).stream()
                .filter(batch -> batch.state() == BatchState.READY).reduce((first, second) -> second).orElseThrow()
                .id();
    }

    private Offboarding removal() {
        return test.core().incidents().offboarding();
    }

    private List<String> auditKinds() {
        return test.database().read(jdbc -> jdbc.query("SELECT kind FROM audit_events ORDER BY seq",
                row -> row.getString(1)));
    }

    private void register(LiveSessions sessions, OperatorPrincipal principal, String credential, String name) {
        sessions.register(principal, credential, Protocol.SFTP, "127.0.0.1", reason -> ended.add(name));
    }
}
