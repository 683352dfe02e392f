package io.vaultgate.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.tenant.Cidr;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
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

/**
 * A client account's live sessions end at the next session-check round once what admitted them no longer holds: the
 * account's expiry passed, or its tenant no longer allows the session's protocol or source address. Each ending is
 * audited ({@code session.ended}); other tenants' and operators' sessions go on. The changes are made through the
 * catalog, as another node or the CLI would, and the reaper is this test's own (a node of its own).
 */
class SessionPolicyReaperTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private TestCore test;
    private LiveSessions node;
    private SessionReaper reaper;
    private ClientPrincipal acme;
    private ClientPrincipal acmeOther;
    private ClientPrincipal globex;
    private OperatorPrincipal maria;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        acme = test.client("acme", "acme-upload", Protocol.SFTP);
        acmeOther = test.client("acme", "acme-report", Protocol.SFTP);
        globex = test.client("globex", "globex-upload", Protocol.SFTP);
        maria = test.operator("manila", "maria", Protocol.SFTP);
        node = new LiveSessions(clock);
        reaper = new SessionReaper(test.database(), test.core().audit(), node, Duration.ofMillis(500));
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void accountWhoseExpiryPasses_hasItsSessionsOnEveryProtocolEnded_atTheNextRound_audited() {
        register(acme, Protocol.SFTP, "192.0.2.7", "acme sftp");
        register(acme, Protocol.HTTPS, "192.0.2.7", "acme https");
        register(acmeOther, Protocol.SFTP, "192.0.2.7", "acme other account");
        register(globex, Protocol.SFTP, "192.0.2.7", "globex");
        register(maria, Protocol.SFTP, "192.0.2.7", "operator");
        test.core().incidents().expiry().set("acme-upload", Optional.of(clock.instant().plus(Duration.ofHours(1))),
                "cli:test");

        assertThat(reaper.round()).as("not yet expired").isZero();
        clock.advance(Duration.ofHours(1).plusMillis(1));
        assertThat(reaper.round()).isEqualTo(2);

        assertThat(ended).containsExactlyInAnyOrder("acme sftp", "acme https");
        assertThat(events()).hasSize(2).allSatisfy(event -> assertThat(event).contains("\"actor\":\"acme-upload\"",
                "\"tenant\":\"acme\"", "\"source\":\"192.0.2.7\"", "\"reason\":\"account expired\""))
                .anySatisfy(event -> assertThat(event).contains("\"protocol\":\"SFTP\""))
                .anySatisfy(event -> assertThat(event).contains("\"protocol\":\"HTTPS\""));
        assertThat(reaper.round()).as("each ending is made and audited once").isZero();
        assertThat(events()).hasSize(2);
    }

    @Test
    void expirySetIntoThePast_byAnAdministrator_endsTheSessionAtTheNextRound() {
        register(acme, Protocol.SFTP, "192.0.2.7", "acme");
        clock.advance(Duration.ofMinutes(5));
        test.core().incidents().expiry().set("acme-upload", Optional.of(clock.instant().minus(Duration.ofDays(1))),
                "cli:test");

        assertThat(reaper.round()).isEqualTo(1);
        assertThat(ended).containsExactly("acme");
    }

    @Test
    void protocolNoLongerAllowed_endsTheTenantsSessionsOfThatProtocolOnly() {
        register(acme, Protocol.SFTP, "192.0.2.7", "acme sftp");
        register(acme, Protocol.HTTPS, "192.0.2.7", "acme https");
        register(globex, Protocol.SFTP, "192.0.2.7", "globex sftp");
        assertThat(reaper.round()).isZero();

        test.database().inTransaction(jdbc -> jdbc.update("UPDATE tenants SET protocols = 'HTTPS' WHERE id = 'acme'"));

        assertThat(reaper.round()).isEqualTo(1);
        assertThat(ended).containsExactly("acme sftp");
        assertThat(events()).singleElement().satisfies(event -> assertThat(event).contains("\"protocol\":\"SFTP\"",
                "\"reason\":\"protocol no longer allowed\""));
    }

    @Test
    void allowlistNarrowed_endsSessionsFromOutsideIt_andADenyListEndsThoseInsideADeniedNetwork() {
        register(acme, Protocol.SFTP, "10.1.2.3", "inside");
        register(acme, Protocol.HTTPS, "10.9.9.9", "inside, later denied");
        register(acme, Protocol.SFTP, "192.0.2.7", "outside");
        register(acme, Protocol.SFTP, "2001:db8::7", "outside, IPv6");
        register(globex, Protocol.SFTP, "192.0.2.7", "other tenant");

        test.core().administration().setAllowedSources(ACME, List.of(Cidr.parse("10.0.0.0/8")));
        assertThat(reaper.round()).isEqualTo(2);
        assertThat(ended).containsExactlyInAnyOrder("outside", "outside, IPv6");

        test.core().incidents().deniedSources().replace(ACME, List.of(Cidr.parse("10.9.0.0/16")), "cli:test");
        assertThat(reaper.round()).isEqualTo(1);
        assertThat(ended).containsExactlyInAnyOrder("outside", "outside, IPv6", "inside, later denied");
        assertThat(events()).hasSize(3)
                .allSatisfy(event -> assertThat(event).contains("\"reason\":\"source address no longer allowed\""))
                .anySatisfy(event -> assertThat(event).contains("\"source\":\"10.9.9.9\""));
    }

    private void register(Principal principal, Protocol protocol, String source, String name) {
        node.register(principal, "key:" + name, protocol, source, reason -> ended.add(name));
    }

    private List<String> events() {
        return test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events WHERE kind = 'session.ended' "
                + "ORDER BY seq", row -> row.getString(1)));
    }
}
