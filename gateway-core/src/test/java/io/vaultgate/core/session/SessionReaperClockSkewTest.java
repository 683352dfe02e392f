package io.vaultgate.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ApiTokens;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Credentials;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocations and lockdowns written by a node (or the CLI) whose clock lags the node holding the sessions by more
 * than {@link SessionReaper#SKEW}: the other node still ends every session that began before them, within a round.
 */
class SessionReaperClockSkewTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    /** The clock of the node (or CLI) that revokes and locks down: 30 s behind the session node's. */
    private final MutableClock revoker = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private final MutableClock sessionNode = new MutableClock(Instant.parse("2026-11-28T09:00:30Z"));
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private TestCore test;
    private ClientPrincipal client;
    private LiveSessions otherNode;
    private SessionReaper reaper;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)),
                revoker);
        client = test.client("acme", "acme-upload", Protocol.HTTPS);
        otherNode = new LiveSessions(sessionNode);
        reaper = new SessionReaper(test.database(), test.core().audit(), otherNode, Duration.ofMillis(500));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void aTokenRevokedOnALaggingClock_endsTheSessionOpenedBeforeTheRevocation() {
        String token = test.core().administration().issueAccountToken("acme-upload", "ci");
        otherNode.register(client, Credentials.token(ApiTokens.hash(token)), Protocol.HTTPS, "127.0.0.1",
                reason -> ended.add("stolen token"));
        advanceBoth(Duration.ofSeconds(15));

        test.core().incidents().revocation().revokeToken("acme-upload", token, "leaked", "cli:test");
        sessionNode.advance(Duration.ofMillis(500));
        reaper.round();

        assertThat(ended).containsExactly("stolen token");
    }

    @Test
    void aLockdownOnALaggingClock_endsTheClaimingOperatorsSessionOpenedBeforeIt() {
        OperatorPrincipal claimant = test.operator("manila", "maria", Protocol.SFTP);
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO);
        ClientPrincipal uploader = test.client("acme", "acme-sftp", Protocol.SFTP);
        try (Upload upload = test.core().ingest().open(uploader, PathPolicy.parse("/inbox/a.csv"), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
        test.core().batches().claim(claimant, test.core().batches().available(claimant).get(0).id());
        otherNode.register(claimant, "key:maria", Protocol.SFTP, "127.0.0.1", reason -> ended.add("claimant"));
        advanceBoth(Duration.ofSeconds(15));

        test.core().incidents().lockdown().lockdown(ACME, "suspected leak", "cli:test");
        sessionNode.advance(Duration.ofMillis(500));
        reaper.round();

        assertThat(ended).containsExactly("claimant");
    }

    @Test
    void aCredentialRevokedAndGivenBack_doesNotEndSessionsThatBeganAfterTheRoundThatReadTheRevocation() {
        String token = test.core().administration().issueAccountToken("acme-upload", "ci");
        otherNode.register(client, "key:other", Protocol.HTTPS, "127.0.0.1", reason -> ended.add("bystander"));
        test.core().incidents().revocation().revokeToken("acme-upload", token, "leaked", "cli:test");
        reaper.round(); // reads the revocation

        sessionNode.advance(Duration.ofSeconds(1));
        // as if the same credential were valid again (a password set anew has the same credential id)
        otherNode.register(client, Credentials.token(ApiTokens.hash(token)), Protocol.HTTPS, "127.0.0.1",
                reason -> ended.add("after the revocation"));
        sessionNode.advance(Duration.ofMillis(500));
        reaper.round();

        assertThat(ended).isEmpty();
    }

    private void advanceBoth(Duration duration) {
        revoker.advance(duration);
        sessionNode.advance(duration);
    }
}
