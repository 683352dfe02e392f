package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.forward.ForwardJob;
import io.vaultgate.core.forward.ForwardState;
import io.vaultgate.core.forward.Outbox;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.site.RouteMode;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.MutableClock;
import io.vaultgate.core.testing.TestCore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The periodic maintenance pass: one failing task must not starve the others, for every tenant. */
class MaintenanceTest {

    @TempDir
    Path home;

    @Test
    void aBatchTaskThatFails_stillLetsRetentionShredOtherTenantsFiles() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-01T00:00:00Z"));
        try (TestCore test = TestCore.create(home, new GatewayCore.Settings(Duration.ofHours(24), 64), clock)) {
            GatewayCore core = test.core();
            ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);
            core.administration().setRetention(alice.tenant(), Duration.ofDays(1));
            upload(core, alice, "/inbox/old.csv");
            // another tenant's route whose idle time overflows when added to a date (accepted by the core)
            ClientPrincipal bob = test.client("beta", "bob", Protocol.HTTPS);
            core.sites().createSite("cebu", "Cebu");
            core.sites().addRoute(bob.tenant(), "cebu", RouteMode.PULL, PathPolicy.parse("/inbox"), 0, 0,
                    Duration.ofSeconds(Long.MAX_VALUE));
            upload(core, bob, "/inbox/open-batch.csv");
            clock.advance(Duration.ofDays(2));

            Maintenance.runOnce(core);

            assertThatThrownBy(() -> core.files().stat(alice, PathPolicy.parse("/inbox/old.csv")))
                    .isInstanceOfSatisfying(GatewayException.class,
                            e -> assertThat(e.reason()).isEqualTo(GatewayException.Reason.NOT_FOUND));
        }
    }

    /**
     * Review20b L2: a site removal cut off after the site's transaction, before its pages, left the removed site's dead
     * forwards DEAD until someone ran it again; the next maintenance pass abandons them, audited as the removal does.
     * The cut-off state is made directly in the catalog here (the site marked removed); InterruptedSiteRemovalTest
     * cuts a real removal off. Failed before the change: the pass left the job DEAD.
     */
    @Test
    void aSiteRemovedWithDeadForwardsLeft_hasThemAbandonedByThePass() {
        try (TestCore test = TestCore.create(home)) {
            GatewayCore core = test.core();
            ClientPrincipal alice = test.client("acme", "alice", Protocol.HTTPS);
            core.sites().createSite("manila", "Manila");
            String route = core.sites().addRoute(alice.tenant(), "manila", RouteMode.PUSH, PathPolicy.parse("/inbox"),
                    0, 0, Duration.ZERO).id();
            upload(core, alice, "/inbox/a.csv");
            core.sites().removeRoute(alice.tenant(), route);
            Outbox outbox = core.forwarding().outbox();
            ForwardJob job = outbox.claim("manila", "test-node", 1, Duration.ofMinutes(1), Instant.now()).get(0);
            outbox.fail(job, "refused", true, Instant.now());
            test.database().inTransaction(jdbc -> jdbc.update("UPDATE sites SET removed_at = ? WHERE id = 'manila'",
                    Instant.now().minus(Duration.ofHours(1)).toEpochMilli())); // cut off an hour ago

            Maintenance.runOnce(core);

            assertThat(outbox.find(job.id()).orElseThrow().state()).isEqualTo(ForwardState.ABANDONED);
            List<String> abandoned = test.database().read(jdbc -> jdbc.query("SELECT event FROM audit_events "
                    + "WHERE kind = 'forward.abandoned'", row -> row.getString(1)));
            assertThat(abandoned).singleElement().satisfies(event ->
                    assertThat(event).contains("\"job\":\"" + job.id() + "\"", "\"actor\":\"system\"",
                            "\"reason\":\"site removed\""));
        }
    }

    private static void upload(GatewayCore core, ClientPrincipal principal, String path) {
        try (Upload upload = core.ingest().open(principal, PathPolicy.parse(path), UploadMode.CREATE)) {
            upload.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            upload.commit();
        }
    }
}
