package io.vaultgate.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.OperatorPrincipal;
import io.vaultgate.core.auth.Principal;
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
 * Which live sessions a tenant lockdown ends: on the node that ran it at once, on another node (its own
 * {@link LiveSessions} and {@link SessionReaper} over the same catalog) at its next round.
 */
class LockdownSessionsTest {

    private static final TenantId ACME = TenantId.of("acme");

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T09:00:00Z"));
    private final List<String> ended = new CopyOnWriteArrayList<>();
    private TestCore test;
    private ClientPrincipal acmeClient;
    private ClientPrincipal globexClient;
    private OperatorPrincipal claimant;
    private OperatorPrincipal bystander;

    @BeforeEach
    void setUp() {
        test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 16, Duration.ofMinutes(30)), clock);
        acmeClient = test.client("acme", "acme-upload", Protocol.SFTP);
        globexClient = test.client("globex", "globex-upload", Protocol.SFTP);
        claimant = test.operator("manila", "maria", Protocol.SFTP);
        bystander = test.operator("manila", "marco", Protocol.HTTPS);
        test.core().sites().addRoute(ACME, "manila", RouteMode.PULL, PathPolicy.parse("/inbox"), 1, 0, Duration.ZERO);
        try (Upload upload = test.core().ingest().open(acmeClient, PathPolicy.parse("/inbox/a.csv"), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
        String batch = test.core().batches().available(claimant).get(0).id();
        test.core().batches().claim(claimant, batch);
    }

    @AfterEach
    void tearDown() {
        test.close();
    }

    @Test
    void lockdown_endsTheTenantsSessions_andTheClaimingOperators_atOnceOnItsOwnNode() {
        LiveSessions here = test.core().incidents().sessions();
        register(here, acmeClient, "acme client");
        register(here, globexClient, "globex client");
        register(here, claimant, "claimant");
        register(here, bystander, "bystander");

        int count = test.core().incidents().lockdown().lockdown(ACME, "suspected leak", "cli:test");

        assertThat(count).isEqualTo(2);
        assertThat(ended).containsExactlyInAnyOrder("acme client", "claimant");
    }

    @Test
    void lockdownOnOneNode_endsTheSameSessionsOnAnother_inOneRound_andSparesOperatorsWhoLoggedInAfterIt() {
        LiveSessions otherNode = new LiveSessions(clock);
        SessionReaper otherReaper = new SessionReaper(test.database(), test.core().audit(), otherNode,
                Duration.ofMillis(500));
        register(otherNode, acmeClient, "acme client");
        register(otherNode, globexClient, "globex client");
        register(otherNode, claimant, "claimant");
        register(otherNode, bystander, "bystander");
        assertThat(otherReaper.round()).as("nothing locked yet").isZero();

        clock.advance(Duration.ofMinutes(1));
        test.core().incidents().lockdown().lockdown(ACME, "suspected leak", "cli:test");
        assertThat(otherReaper.round()).isEqualTo(2);
        assertThat(ended).containsExactlyInAnyOrder("acme client", "claimant");

        clock.advance(Duration.ofMinutes(1));
        register(otherNode, claimant, "claimant again");
        register(otherNode, acmeClient, "acme client again");
        otherReaper.round();
        assertThat(ended).as("the tenant's accounts stay refused; the operator may work for other tenants")
                .contains("acme client again").doesNotContain("claimant again");
    }

    @Test
    void firstLoginAfterAnUnlock_isNotDropped_beforeTheNextRound() {
        LiveSessions here = test.core().incidents().sessions();
        SessionReaper reaper = new SessionReaper(test.database(), test.core().audit(), here,
                Duration.ofMillis(500));
        test.core().incidents().lockdown().lockdown(ACME, "suspected leak", "cli:test");
        register(here, acmeClient, "during the lockdown");
        reaper.round(); // the round's snapshot: acme is locked
        assertThat(ended).contains("during the lockdown");

        test.core().incidents().lockdown().unlock(ACME, "all clear", "cli:test");
        register(here, acmeClient, "right after the unlock");

        assertThat(ended).doesNotContain("right after the unlock");
    }

    @Test
    void aTenantShreddedOnOneNode_hasItsSessionsOnAnotherEndedInOneRound() {
        LiveSessions otherNode = new LiveSessions(clock);
        SessionReaper otherReaper = new SessionReaper(test.database(), test.core().audit(), otherNode,
                Duration.ofMillis(500));
        register(otherNode, acmeClient, "acme client");
        register(otherNode, globexClient, "globex client");
        clock.advance(Duration.ofMinutes(1));

        test.core().tenantShredding().shred(ACME, "contract ended", "cli:test");

        assertThat(otherReaper.round()).isGreaterThanOrEqualTo(1);
        assertThat(ended).contains("acme client").doesNotContain("globex client");
        register(otherNode, acmeClient, "acme client again");
        otherReaper.round();
        assertThat(ended).as("a shredded tenant stays refused, as a locked one").contains("acme client again");
    }

    private void register(LiveSessions sessions, Principal principal, String name) {
        sessions.register(principal, "key:" + name, Protocol.SFTP, "127.0.0.1", reason -> ended.add(name));
    }
}
